package knowledge

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// TopicIDs are the triage topics of the topic contract (seeds/README.md). They are a public contract: a knowledge
// folder that lacks one of them does not load.
var TopicIDs = []string{
	"phishing", "bec", "support-scam", "spam", "malware", "ransomware", "emotet", "targeted-attack",
	"fake-ec-site", "illegal-content", "defamation", "data-leak", "unauthorized-access", "dos",
	"incident-report", "cybercrime", "general-security", "device-trouble", "telecom",
	"online-shopping", "harassment", "legal", "prevention", "support-services", "telework",
	"helpdesk-request", "out-of-scope",
}

var (
	// A Japanese number as dialled: 3-digit services (188), or 10-11 digits starting with 0,
	// grouped by hyphens (03-5978-7509, 0570-078374, 0120-91-6479).
	phoneShape = regexp.MustCompile(`^(\d{3}|0\d{1,4}(-\d{1,6}){1,2})$`)
	emailShape = regexp.MustCompile(`^[^@\s]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$`)
)

func (l *loader) checkPhone(file string, line int, phone string) {
	if phone == "" {
		return
	}
	digits := strings.ReplaceAll(phone, "-", "")
	if !phoneShape.MatchString(phone) || (len(digits) != 3 && (len(digits) < 10 || len(digits) > 11)) {
		l.problem(file, line, "malformed phone %q: want digits and hyphens as dialled in Japan, e.g. 03-5978-7509 or 188", phone)
	}
}

func (l *loader) checkEmail(file string, line int, email string) {
	if email != "" && !emailShape.MatchString(email) {
		l.problem(file, line, "malformed e-mail %q", email)
	}
}

func (l *loader) checkURL(file string, line int, raw string) {
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.Contains(u.Host, ".") || strings.ContainsAny(raw, " \t\n") {
		l.problem(file, line, "malformed URL %q: want http:// or https:// and a host", raw)
	}
}

// validate checks what spans files: references between entries and the topic contract.
func (l *loader) validate() {
	b := l.b
	contactsOK := !l.broken[contactsFile] && !l.broken[programmesFile]
	topicsOK, casesOK := true, true
	for f := range l.broken {
		if strings.HasPrefix(f, topicsDir+"/") {
			topicsOK = false
		}
		if strings.HasSuffix(f, ".csv") {
			casesOK = false
		}
	}
	for _, id := range TopicIDs {
		if _, ok := b.topicIdx[id]; !ok && len(b.topics) > 0 && topicsOK {
			l.problem(topicsDir, 0, "topic %q of the topic contract is missing (%s/%s.yaml)", id, topicsDir, id)
		}
	}
	categoryTopic := map[string]string{}
	for i, t := range b.topics {
		ref := l.refs[i]
		reachable := false
		for j, cid := range t.Contacts {
			c, ok := b.contactIdx[cid]
			if !ok && !contactsOK {
				reachable = true // unknown: the contacts file itself is broken
				continue
			}
			if !ok {
				l.problem(ref.file, itemLine(ref.node, "contacts", j, ref.kl.at("contacts")), "unknown contact %q (see %s, %s)", cid, contactsFile, programmesFile)
				continue
			}
			if c.Reachable() && !c.Internal && !c.ConsumersOnly {
				reachable = true
			}
			if c.ConsumersOnly && !hasPersonal(t) {
				l.problem(ref.file, itemLine(ref.node, "contacts", j, ref.kl.at("contacts")), "contact %q takes no companies (consumers_only) and no option of topic %q is personal: true, so it is never shown", cid, t.ID)
			}
		}
		if !reachable {
			l.problem(ref.file, ref.kl.at("contacts"), "topic %q has no contact with a phone or a URL", t.ID)
		}
		if contactsOK {
			l.checkSameOrg(ref, t)
		}
		for qi, q := range t.Questions {
			qn := child(ref.node, "questions").Content[qi]
			ruledOut := 0
			for oi, o := range q.Options {
				line := itemLine(qn, "options", oi, qn.Line)
				if o.RuledOut {
					if ruledOut++; ruledOut == 2 {
						l.problem(ref.file, line, "option %q: a second option marked ruled_out in question %q; a message that rules a threat out can pick only one", o.ID, q.ID)
					}
				}
				for _, cid := range o.Contacts {
					c, ok := b.contactIdx[cid]
					if !ok && contactsOK {
						l.problem(ref.file, line, "option %q: unknown contact %q", o.ID, cid)
					}
					if ok && c.ConsumersOnly && !o.Personal {
						l.problem(ref.file, line, "option %q: contact %q takes no companies (consumers_only) and is shown only through an option marked personal: true", o.ID, cid)
					}
				}
				if o.Topic != "" {
					if _, ok := b.topicIdx[o.Topic]; !ok && topicsOK {
						l.problem(ref.file, line, "option %q: unknown topic %q", o.ID, o.Topic)
					}
				}
			}
		}
		for j, no := range t.FAQ {
			line := itemLine(ref.node, "faq", j, ref.kl.at("faq"))
			c, ok := b.caseIdx[no]
			switch {
			case !ok && !casesOK:
			case !ok:
				l.problem(ref.file, line, "faq: no consultation with 受理番号 %q", no)
			case c.FAQ == "":
				l.problem(ref.file, line, "faq: consultation %q has no 【FAQ用】標準回答", no)
			case b.pastAnswers[no] == nil && !l.broken[faqFile]:
				l.problem(ref.file, line, "faq: 受理番号 %q has no edited text in %s (the CSV's text is not shown as it is)", no, faqFile)
			}
		}
		for j, cat := range t.Categories {
			if other, dup := categoryTopic[cat]; dup {
				l.problem(ref.file, itemLine(ref.node, "categories", j, ref.kl.at("categories")), "category %q is already claimed by topic %q", cat, other)
				continue
			}
			categoryTopic[cat] = t.ID
		}
	}
	for _, c := range b.cases {
		c.Topic = categoryTopic[c.Category]
	}
	for no, p := range b.pastAnswers {
		c, ok := b.caseIdx[no]
		switch {
		case !casesOK:
		case !ok:
			l.problem(faqFile, l.faqLines[no], "受理番号 %q is not in the consultation CSV (%s): an edited text needs the row it was edited from", no, casesPattern)
		case p.Source != "" && p.Source != c.File:
			l.problem(faqFile, l.faqLines[no], "受理番号 %q: source: %q, but the row is in %s", no, p.Source, c.File)
		case c.FAQ == "":
			l.problem(faqFile, l.faqLines[no], "受理番号 %q: the CSV row has no 【FAQ用】標準回答 to edit", no)
		}
	}
	for i, a := range b.alerts {
		for _, id := range a.Topics {
			if _, ok := b.topicIdx[id]; !ok && topicsOK {
				l.problem(alertsFile, l.alertRefs[i].at("topics"), "alert %q: unknown topic %q", a.ID, id)
			}
		}
	}
	for i, g := range b.vague {
		for _, id := range g.Topics {
			if _, ok := b.topicIdx[id]; !ok && topicsOK {
				l.problem(menuFile, l.vagueLines[i], "vague group: unknown topic %q", id)
			}
		}
	}
	for i, m := range b.menu {
		for _, id := range m.Topics {
			if _, ok := b.topicIdx[id]; !ok && topicsOK {
				l.problem(menuFile, l.menuRefs[i].at("topics"), "menu %q: unknown topic %q", m.ID, id)
			}
		}
		for _, id := range m.Contacts {
			if _, ok := b.contactIdx[id]; !ok && contactsOK {
				l.problem(menuFile, l.menuRefs[i].at("contacts"), "menu %q: unknown contact %q", m.ID, id)
			}
		}
	}
}

// checkSameOrg reports two desks of one organisation shown together by a topic (its contacts,
// or an option's contacts with them) unless each says in its when: line when to call it: two
// JPCERT/CC numbers side by side, with no word on which to call, leave a frightened user to
// guess. Organisations match when one name starts with the other (an agency and its centre).
// Support programmes are references, not desks, and are left out.
func (l *loader) checkSameOrg(ref topicRefs, t *Topic) {
	programme := map[string]bool{}
	for _, p := range l.b.programmes {
		programme[p.ID] = true
	}
	reported := map[[2]string]bool{}
	check := func(ids []string) {
		var shown []*Contact
		for _, id := range ids {
			if c := l.b.contactIdx[id]; c != nil && !programme[id] && !c.Internal && c.Org != "" && !slices.Contains(shown, c) {
				shown = append(shown, c)
			}
		}
		for i, a := range shown {
			for _, b := range shown[i+1:] {
				if !strings.HasPrefix(a.Org, b.Org) && !strings.HasPrefix(b.Org, a.Org) || a.When != "" && b.When != "" {
					continue
				}
				if key := [2]string{a.ID, b.ID}; !reported[key] {
					reported[key] = true
					l.problem(ref.file, ref.kl.at("contacts"), "contacts %q and %q are both of %s: give each a when: line (%s) saying when to call it, or show one of them", a.ID, b.ID, b.Org, contactsFile)
				}
			}
		}
	}
	check(t.Contacts)
	for _, q := range t.Questions {
		for _, o := range q.Options {
			check(append(slices.Clip(o.Contacts), t.Contacts...))
		}
	}
}

// hasPersonal reports whether an option of t says the user acts as a private person.
func hasPersonal(t *Topic) bool {
	for _, q := range t.Questions {
		for _, o := range q.Options {
			if o.Personal {
				return true
			}
		}
	}
	return false
}
