package ldif

import (
	"bytes"
	"fmt"
)

// controls parses the "control:" lines that may follow "dn:".
func (p *parser) controls() ([]Control, error) {
	var cs []Control
	for p.i < len(p.lines) {
		l, err := p.peek()
		if err != nil {
			return nil, err
		}
		if !equalFold(l.desc, "control") {
			return cs, nil
		}
		p.i++
		c, err := p.control(l)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// control parses "control: OID [true|false] [value-spec]".
func (p *parser) control(l line) (Control, error) {
	if l.kind != valPlain {
		return Control{}, syntaxErr(l.num, `"control:" must be followed by an OID, not by ":" or "<"`)
	}
	rest := l.val
	n := 0
	for n < len(rest) && rest[n] != ' ' && rest[n] != ':' {
		n++
	}
	oid := rest[:n]
	if !validOID(oid) {
		return Control{}, syntaxErr(l.num, "control type %q is not a numeric OID", clip(oid))
	}
	c := Control{OID: string(oid)}
	rest = bytes.TrimLeft(rest[n:], " ")
	for _, word := range []string{"true", "false"} {
		if bytes.HasPrefix(rest, []byte(word)) {
			after := rest[len(word):]
			if len(after) == 0 || after[0] == ' ' || after[0] == ':' {
				c.Critical = word == "true"
				rest = bytes.TrimLeft(after, " ")
				break
			}
		}
	}
	if len(rest) == 0 {
		return c, nil
	}
	if rest[0] != ':' {
		return Control{}, syntaxErr(l.num, `control criticality must be "true" or "false", got %q`, clip(rest))
	}
	vl, err := splitLine(append([]byte("v"), rest...), l.num)
	if err != nil {
		return Control{}, err
	}
	if c.Value, err = p.value(vl); err != nil {
		return Control{}, err
	}
	c.HasValue = true
	return c, nil
}

// change parses the lines after "changetype:".
func (p *parser) change(dn string, num int, cs []Control, ct line) (Record, error) {
	c := &ChangeRecord{DN: dn, Line: num, Controls: cs}
	switch keyword(ct) {
	case "add":
		c.Type = ChangeAdd
		attrs, err := p.attrs()
		if err != nil {
			return nil, err
		}
		if len(attrs) == 0 {
			return nil, syntaxErr(ct.num, "add change record has no attributes")
		}
		c.Attrs = attrs
	case "delete":
		c.Type = ChangeDelete
		if p.i < len(p.lines) {
			return nil, syntaxErr(p.lines[p.i].num, "delete change record must end after its \"changetype:\" line")
		}
	case "modify":
		c.Type = ChangeModify
		mods, err := p.mods()
		if err != nil {
			return nil, err
		}
		c.Mods = mods
	case "modrdn", "moddn":
		c.Type = ChangeModRDN
		if err := p.modRDN(c, ct.num); err != nil {
			return nil, err
		}
	default:
		return nil, syntaxErr(ct.num, "unknown changetype %q (want add, delete, modify, modrdn or moddn)", clip(ct.val))
	}
	return c, nil
}

// mods parses modify groups: "op: desc", value lines for desc, then "-".
// The "-" after the last group may be omitted.
func (p *parser) mods() ([]Mod, error) {
	var mods []Mod
	for p.i < len(p.lines) {
		head, err := p.next()
		if err != nil {
			return nil, err
		}
		var m Mod
		switch string(bytes.ToLower(head.desc)) {
		case "add":
			m.Op = ModAdd
		case "delete":
			m.Op = ModDelete
		case "replace":
			m.Op = ModReplace
		case "increment":
			m.Op = ModIncrement
		default:
			return nil, syntaxErr(head.num, `expected "add:", "delete:", "replace:" or "increment:" in a modify record, got %q`, clip(head.desc))
		}
		desc := bytes.TrimRight(head.val, " ")
		if head.kind != valPlain || !validDesc(desc) {
			return nil, syntaxErr(head.num, "invalid attribute description %q after %q", clip(desc), m.Op.String()+":")
		}
		m.Attr = Attr{Desc: p.r.internDesc(desc), Line: head.num}
		if err := p.modValues(&m, head.num); err != nil {
			return nil, err
		}
		mods = append(mods, m)
	}
	return mods, nil
}

// modValues reads the value lines of one modify group and its "-".
func (p *parser) modValues(m *Mod, num int) error {
	for p.i < len(p.lines) {
		ll := p.lines[p.i]
		if raw := bytes.TrimRight(p.r.rec[ll.start:ll.end], " "); len(raw) == 1 && raw[0] == '-' {
			p.i++
			break
		}
		l, err := p.next()
		if err != nil {
			return err
		}
		if !equalFold(l.desc, m.Attr.Desc) {
			return syntaxErr(l.num, `attribute %q inside the "%s: %s" group (missing "-" line?)`, clip(l.desc), m.Op, m.Attr.Desc)
		}
		v, err := p.value(l)
		if err != nil {
			return err
		}
		m.Attr.Values = append(m.Attr.Values, v)
	}
	switch {
	case m.Op == ModAdd && len(m.Attr.Values) == 0:
		return syntaxErr(num, `"add: %s" group has no values`, m.Attr.Desc)
	case m.Op == ModIncrement && len(m.Attr.Values) != 1:
		return syntaxErr(num, `"increment: %s" group must have exactly one value`, m.Attr.Desc)
	}
	return nil
}

// modRDN parses "newrdn:", "deleteoldrdn:" and the optional
// "newsuperior:", in that order.
func (p *parser) modRDN(c *ChangeRecord, num int) error {
	l, err := p.expect("newrdn", num)
	if err != nil {
		return err
	}
	if c.NewRDN, err = p.text(l, "newrdn"); err != nil {
		return err
	}
	if c.NewRDN == "" {
		return syntaxErr(l.num, `"newrdn:" is empty`)
	}
	if l, err = p.expect("deleteoldrdn", l.num); err != nil {
		return err
	}
	switch keyword(l) {
	case "0":
		c.DeleteOldRDN = false
	case "1":
		c.DeleteOldRDN = true
	default:
		return syntaxErr(l.num, `"deleteoldrdn:" must be 0 or 1, got %q`, clip(l.val))
	}
	if p.i == len(p.lines) {
		return nil
	}
	if l, err = p.expect("newsuperior", l.num); err != nil {
		return err
	}
	if c.NewSuperior, err = p.text(l, "newsuperior"); err != nil {
		return err
	}
	c.HasNewSuperior = true
	if p.i < len(p.lines) {
		return syntaxErr(p.lines[p.i].num, `unexpected line after "newsuperior:" in a modrdn record`)
	}
	return nil
}

// expect consumes the next line, which must be "name:"; prev is the line
// number reported when the record ends too early.
func (p *parser) expect(name string, prev int) (line, error) {
	if p.i == len(p.lines) {
		return line{}, syntaxErr(prev, "missing %q line in a modrdn record", name+":")
	}
	l, err := p.next()
	if err != nil {
		return line{}, err
	}
	if !equalFold(l.desc, name) {
		return line{}, syntaxErr(l.num, "expected %q in a modrdn record, got %q", name+":", fmt.Sprintf("%s:", clip(l.desc)))
	}
	return l, nil
}
