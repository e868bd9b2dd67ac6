// Package seeds embeds the default knowledge folder: the seed documents as received, the
// consultation CSV as exported, and the structured knowledge written from them (see README.md).
package seeds

import "embed"

// FS is the embedded knowledge folder, loaded when HELPDESK_KNOWLEDGE is unset.
//
//go:embed README.md *.yaml *.csv topics/*.yaml source/*.txt labelled/*.tsv
var FS embed.FS
