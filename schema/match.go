package schema

import (
	"sync"
)

// Truth is the three-valued result of evaluating a filter (RFC 4511 §4.5.1.7).
type Truth int8

// Filter results. Undefined arises from unknown attribute types, missing
// matching rules and values that cannot be normalized; a search returns
// an entry only when its filter is True.
const (
	False Truth = iota
	True
	Undefined
)

// String returns "TRUE", "FALSE" or "Undefined".
func (t Truth) String() string {
	return [...]string{"FALSE", "TRUE", "Undefined"}[t]
}

// Matcher is a filter compiled against a Registry: attribute types
// resolved and assertion values normalized once. It is immutable and safe
// for concurrent use.
type Matcher struct {
	r    *Registry
	root *MatchNode
}

// MatchNode is one compiled term of a filter.
type MatchNode struct {
	op       FilterOp
	children []*MatchNode
	a        *Assertion   // leaf; nil with undef/absent set
	class    *ObjectClass // (objectClass=X) for a known X: subclasses match (match_class.go)
	undef    bool         // the leaf is Undefined for every entry
	absent   bool         // Present on an unknown type: FALSE for every entry
}

// Root returns the compiled form of the filter's top term.
func (m *Matcher) Root() *MatchNode { return m.root }

// Child returns the compiled form of child i of an AND, OR or NOT term:
// children keep the filter's order, so a caller such as an index planner
// walks a filter and its compiled form together.
func (n *MatchNode) Child(i int) *MatchNode { return n.children[i] }

// Assertion returns a leaf's resolved and normalized assertion (what
// Registry.Assertion gives); nil when the leaf matches no entry (an unknown
// attribute type, or a value its syntax refuses).
func (n *MatchNode) Assertion() *Assertion { return n.a }

// Compile resolves and normalizes f for repeated evaluation. It never
// fails: leaves that cannot be resolved evaluate to Undefined (or FALSE
// for Present on an unknown type), as RFC 4511 requires.
func (r *Registry) Compile(f *Filter) *Matcher {
	return &Matcher{r: r, root: r.compile(f)}
}

func (r *Registry) compile(f *Filter) *MatchNode {
	n := &MatchNode{op: f.Op}
	switch f.Op {
	case FilterNot:
		if len(f.Children) != 1 || f.Children[0] == nil {
			return &MatchNode{op: FilterPresent, undef: true} // malformed: Undefined
		}
		n.children = []*MatchNode{r.compile(f.Children[0])}
		return n
	case FilterAnd, FilterOr:
		for _, c := range f.Children {
			if c == nil {
				n.children = append(n.children, &MatchNode{op: FilterPresent, undef: true})
				continue
			}
			n.children = append(n.children, r.compile(c))
		}
		return n
	}
	a, err := r.Assertion(f)
	switch {
	case err != nil && f.Op == FilterPresent:
		n.absent = true
	case err != nil:
		n.undef = true
	default:
		n.a, n.class = a, r.assertedClass(f, a)
	}
	return n
}

// Match evaluates f against e in one step (Compile then Matcher.Match).
func (r *Registry) Match(f *Filter, e *Entry) Truth { return r.Compile(f).Match(e) }

var scratchPool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// Match evaluates the filter against e. It does not modify e and, when
// e's attributes carry Type and Norm, does not allocate on the common path.
func (m *Matcher) Match(e *Entry) Truth {
	bp := scratchPool.Get().(*[]byte)
	ev := evaluator{r: m.r, e: e, buf: *bp}
	t := ev.node(m.root)
	*bp = ev.buf[:0]
	scratchPool.Put(bp)
	return t
}

type evaluator struct {
	r   *Registry
	e   *Entry
	buf []byte
}

func (ev *evaluator) node(n *MatchNode) Truth {
	switch n.op {
	case FilterAnd:
		res := True
		for _, c := range n.children {
			switch ev.node(c) {
			case False:
				return False
			case Undefined:
				res = Undefined
			}
		}
		return res
	case FilterOr:
		res := False
		for _, c := range n.children {
			switch ev.node(c) {
			case True:
				return True
			case Undefined:
				res = Undefined
			}
		}
		return res
	case FilterNot:
		switch ev.node(n.children[0]) {
		case True:
			return False
		case False:
			return True
		}
		return Undefined
	}
	switch {
	case n.absent:
		return False
	case n.undef:
		return Undefined
	}
	return ev.leaf(n.a, n.class)
}

// leaf evaluates assertion a; class is the object class an objectClass
// equality assertion names (nil otherwise), whose subclasses match too.
func (ev *evaluator) leaf(a *Assertion, class *ObjectClass) Truth {
	res := False
	for i := range ev.e.Attrs {
		attr := &ev.e.Attrs[i]
		at := ev.r.attrType(attr)
		if at == nil || !ev.selects(a, at, attr) {
			continue
		}
		if a.Op == FilterPresent {
			if len(attr.Values) > 0 {
				return True
			}
			continue
		}
		switch ev.values(a, at, attr, class) {
		case True:
			return True
		case Undefined:
			res = Undefined
		}
	}
	if a.DNAttributes {
		switch ev.dnValues(a) {
		case True:
			return True
		case Undefined:
			res = Undefined
		}
	}
	return res
}

// selects reports whether attribute attr (of type at) takes part in a.
func (ev *evaluator) selects(a *Assertion, at *AttributeType, attr *Attribute) bool {
	if a.Type == nil {
		return ruleApplies(a.Rule, at)
	}
	return at.IsSubtypeOf(a.Type) && (len(a.Options) == 0 || HasOptions(attr.Desc, a.Options))
}

// values tests the values of one attribute against a. With class set,
// (objectClass=X), a value naming X or a subclass matches too; a
// prepared value that does not needs no equality test, since the
// class's OID names the class itself.
func (ev *evaluator) values(a *Assertion, at *AttributeType, attr *Attribute, class *ObjectClass) Truth {
	res := False
	useNorm := len(attr.Norm) == len(attr.Values) && a.canUseNorm(at)
	for i, v := range attr.Values {
		if class != nil {
			prepared := useNorm && attr.Norm[i] != nil
			if prepared {
				v = attr.Norm[i]
			}
			if ev.namesSubclass(v, class) {
				return True
			}
			if prepared {
				continue
			}
			v = attr.Values[i]
		}
		var nv []byte
		if useNorm {
			if nv = attr.Norm[i]; nv == nil {
				res = Undefined // PrepareEntry could not normalize it
				continue
			}
		} else {
			var err error
			ev.buf, err = a.Rule.Normalize(ev.buf[:0], v)
			if err != nil {
				res = Undefined
				continue
			}
			nv = ev.buf
		}
		if a.matchValue(nv) {
			return True
		}
	}
	return res
}

// dnValues applies an extensible ":dn" match to the AVAs of the entry's DN.
// An AVA's type carries no options, so a description with options (as
// cn;lang-en) selects none of them, as in slapd.
func (ev *evaluator) dnValues(a *Assertion) Truth {
	res := False
	if len(a.Options) > 0 {
		return res
	}
	for _, rdn := range ev.e.DN {
		for _, ava := range rdn {
			at := ev.r.AttributeType(ava.Type)
			if at == nil {
				continue
			}
			if a.Type != nil && !at.IsSubtypeOf(a.Type) || a.Type == nil && !ruleApplies(a.Rule, at) {
				continue
			}
			var err error
			ev.buf, err = a.Rule.Normalize(ev.buf[:0], []byte(ava.Value))
			if err != nil {
				res = Undefined
				continue
			}
			if a.matchValue(ev.buf) {
				return True
			}
		}
	}
	return res
}
