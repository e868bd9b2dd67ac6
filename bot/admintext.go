package bot

import (
	"fmt"
	"strings"

	"golang.org/x/text/width"
)

// The words admins read: the stats table, the HTML report, the admin replies in Slack and the
// CLI's admin output. They live in this one Go table, not in messages.yaml, because users never
// see them; because the layout they fill (table columns, the report's template) is the code's;
// and because they must read the same when the knowledge does not load: a failed reload is when
// an admin needs them most, and every knowledge folder an admin keeps would otherwise fail to
// load until it had each admin key. Logs and metric names stay English.
var adminText = map[string]string{
	// the stats table (helpdesk stats, /helpdesk stats) and the report's table
	"col.topic":         "トピック",
	"col.id":            "ID",
	"col.consultations": "相談",
	"col.answers":       "回答",
	"col.clarify":       "聞き返し",
	"col.fallback":      "該当なし",
	"col.escalations":   "担当者へ",
	"col.resolved":      "解決",
	"no_topic":          "（トピックなし）",
	"cases":             "担当者に引き継いだ相談（ケース）:",
	"none":              "（なし）",
	"more":              "ほか %d 件",
	"unanswered":        "答えられなかった相談（聞き返し・該当なし）、多い順:",
	"unanswered.line":   "%d. %d 回  %s  「%s」",
	"nearest":           "近いトピック: %s",
	"nearest.none":      "近いトピックは見つかりませんでした",
	"add_example":       "例文として追加するには: helpdesk knowledge add-example --unanswered 番号 --topic ID フォルダ",
	"add_example.since": "例文として追加するには: helpdesk knowledge add-example --unanswered 番号 --since %s --topic ID フォルダ",
	"knowledge":         "知識: %s（%s 日本時間に読み込み）",
	"period":            "過去 %d 日間",

	"outcome.clarify":  "聞き返し",
	"outcome.fallback": "該当なし",

	"status.requested": "受付（担当チャンネル未設定）",
	"status.open":      "対応待ち",
	"status.claimed":   "対応中",
	"status.resolved":  "解決",
	"status.returned":  "ボットに戻した",
	"status.expired":   "期限切れで終了",

	// the HTML report (helpdesk report, GET /admin/report)
	"report.title":              "ヘルプデスク 利用状況レポート",
	"report.generated":          "作成: %s",
	"report.since":              "（%s 以降の集計、日本時間）",
	"report.weekly":             "週ごとのトピック別相談件数",
	"report.weekly.define":      "相談: ボットがトピックと照らし合わせたメッセージ（入力された文章、または選ばれたトピック）を、送られた週（月曜〜日曜、日本時間）ごとに数えています。同じ人が 3 回書けば 3 件です。",
	"report.weekly.empty":       "まだ相談はありません",
	"report.other":              "その他",
	"report.escalations":        "週ごとの担当者への引き継ぎ件数",
	"report.escalations.define": "担当者へ: 人と話したいという依頼（文章またはボタン）を、依頼された週ごとに数えています。人数ではなく依頼の回数です。",
	"report.escalations.empty":  "まだ引き継ぎはありません",
	"report.resolution":         "ケース解決までの時間の中央値（時間）、受付週ごと",
	"report.resolution.define":  "担当者に引き継いでから、担当者が解決するかボットに戻すまでの時間です。その週に受け付けたケースの中央値で、対応中のケースは含みません。",
	"report.resolution.label":   "中央値（時間）",
	"report.resolution.empty":   "まだ解決したケースはありません",
	"report.resolution.value":   "%s 時間（%d 件）",
	"report.per_topic":          "トピック別",
	"report.per_topic.define":   "いずれもメッセージやボタンの回数で、人数ではありません。相談: トピックと照らし合わせたメッセージ、回答: トピックの回答を返した回数、聞き返し: どのトピックか尋ねた回数、該当なし: どのトピックにも当たらなかった回数、担当者へ: 人への引き継ぎの依頼、解決: 「解決した」が押された回数。",
	"report.cases":              "ケース",
	"report.status":             "状態",
	"report.count":              "件数",
	"report.cases.define":       "ケース: 担当者に引き継いだ相談を、現在の状態ごとに数えています。",
	"report.cases.define.since": "ケース: %s 以降に担当者に引き継いだ相談を、現在の状態ごとに数えています。",
	"report.unanswered":         "ボットが答えられなかった相談（多い順）",
	"report.number":             "番号",
	"report.text":               "文章",
	"report.outcome":            "結果",
	"report.times":              "回数",
	"report.nearest":            "近いトピック（スコア）",
	"report.unanswered.define":  "聞き返し（どのトピックか尋ねた）または該当なし（どれにも当たらなかった）で終わった文章の、多い順に 30 件です。回数: 同じ文章が送られた回数（送った人は問いません）。スコアは 0〜1 で、1 に近いほど近いトピックです。",

	// reloads (/helpdesk reload)
	"reload.ok":     "知識を読み込み直しました（%s）。",
	"reload.failed": "知識を読み込み直せませんでした。これまでの知識で応答を続けています。次の箇所を直してください:",
	"reload.none":   "変更はありません。",
	"diff.summary":  "トピック %s、窓口 %s、過去の相談 %s、ファイル %s",
	"diff.counts":   "追加 %d・削除 %d・変更 %d",
	"kind.topic":    "トピック",
	"kind.contact":  "窓口",
	"kind.case":     "過去の相談",
	"kind.intake":   "問診票",
	"kind.labelled": "例文",
	"kind.file":     "ファイル",

	// the CLI
	"wrote":            "%s を書き出しました（%s バイト）。",
	"cases.wrote":      "解決済みのケース %d 件を %s に書き出しました。",
	"forgot":           "削除しました: 会話 %d 件、ケース %d 件、送信待ちのメッセージ %d 件、答えられなかった相談 %d 件。",
	"check.ok":         "%s: 問題はありません。",
	"check.problems":   "%s に %d 件の問題があります。",
	"check.counts":     "トピック %d、窓口 %d、支援制度 %d、過去の相談 %d 件（うち標準回答つき %d 件）、問診 %d 問、注意喚起 %d 件",
	"check.contacts":   "窓口 %d 件",
	"example.added":    "%s に例文を追加しました。読み込み直すと使われます（/helpdesk reload、systemctl reload helpdesk など）。",
	"example.exists":   "トピック %s にはこの例文がすでにあります。変更はありません。",
	"diff.would_load":  "%s → %s: %s",
	"diff.not_loading": "%s は読み込めません。読み込み直しても %s のままです。",
}

// AdminText returns the admins' wording for key, formatted with args as fmt.Sprintf does. An
// unknown key returns the key itself, so that a missing word shows instead of breaking a reply.
func AdminText(key string, args ...any) string {
	s, ok := adminText[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Width is how many columns s takes in a monospaced font: full-width and wide characters
// (Japanese, most emoji) take two, others one.
func Width(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// writeTable writes rows under header in columns two spaces apart, padded by Width so that
// they line up in a terminal and in a Slack code block. The first left columns are aligned
// left, the others (figures) right.
func writeTable(b *strings.Builder, header []string, rows [][]string, left int) {
	widths := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], Width(c))
		}
	}
	for _, r := range append([][]string{header}, rows...) {
		var line strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-Width(c))
			if i > 0 {
				line.WriteString("  ")
			}
			if i < left {
				line.WriteString(c + pad)
			} else {
				line.WriteString(pad + c)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}
