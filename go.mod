module github.com/helpdesk-bot/helpdesk

go 1.26.0

require (
	go.etcd.io/bbolt v1.5.0
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/text v0.43.0
)

require (
	github.com/line/line-bot-sdk-go/v8 v8.14.0 // indirect
	golang.org/x/sys v0.45.0 // indirect
)
