package ldapserver

import (
	"net"
	"testing"
	"time"

	"go.uber.org/zap"
)

// seedPDUs are valid requests of every kind, with and without controls.
func seedPDUs() [][]byte {
	var subs berBuf
	s := subs.begin(tagFilterSubstrings)
	subs.string(berOctetString, "cn")
	q := subs.begin(berSequence)
	subs.string(berClassContext|0, "a")
	subs.string(berClassContext|1, "b")
	subs.string(berClassContext|2, "c")
	subs.end(q)
	subs.end(s)
	var ext berBuf
	e := ext.begin(tagFilterExtensible)
	ext.string(berClassContext|1, "caseExactMatch")
	ext.string(berClassContext|2, "cn")
	ext.string(berClassContext|3, "x")
	ext.bool(berClassContext|4, true)
	ext.end(e)
	var and berBuf
	a := and.begin(tagFilterAnd)
	and.b = append(and.b, subs.b...)
	n := and.begin(tagFilterNot)
	and.b = append(and.b, ext.b...)
	and.end(n)
	and.end(a)
	paged := ctrl(OIDPagedResults, true, encodePagedValue(&PagedResults{Size: 10, Cookie: []byte("c")}))
	var mod berBuf
	m := mod.begin(berClassApplication | berConstructed | 6)
	mod.string(berOctetString, aliceDN)
	cs := mod.begin(berSequence)
	ch := mod.begin(berSequence)
	mod.int(berEnumerated, 2)
	pa := mod.begin(berSequence)
	mod.string(berOctetString, "mail")
	vs := mod.begin(berSet)
	mod.string(berOctetString, "a@b")
	mod.end(vs)
	mod.end(pa)
	mod.end(ch)
	mod.end(cs)
	mod.end(m)
	var mdn berBuf
	md := mdn.begin(berClassApplication | berConstructed | 12)
	mdn.string(berOctetString, aliceDN)
	mdn.string(berOctetString, "uid=x")
	mdn.bool(berBoolean, true)
	mdn.string(berClassContext|0, testSuffix)
	mdn.end(md)
	var del berBuf
	del.string(berClassApplication|10, aliceDN)
	return [][]byte{
		msg(1, bindOp(rootDN, "secret")),
		msg(2, searchOp(testSuffix, 2, and.b, "cn", "+"), paged, ctrl(OIDManageDsaIT, false, nil)),
		msg(3, searchOp("", 0, presentFilter("objectClass"))),
		msg(4, mod.b, ctrl(OIDPreRead, true, []byte{0x30, 0x00})),
		msg(5, mdn.b),
		msg(6, del.b, ctrl(OIDSubtreeDelete, true, nil)),
		msg(7, extOp(OIDWhoAmI, nil)),
		msg(8, extOp(OIDCancel, cancelValue(2))),
		msg(9, extOp(OIDPasswordModify, []byte{0x30, 0x03, 0x82, 0x01, 'x'})),
		msg(10, abandonOp(2)),
		msg(11, unbindOp()),
	}
}

// FuzzDecodeFrame: the decoder returns an error or a frame, never panics, on any input.
func FuzzDecodeFrame(f *testing.F) {
	for _, p := range seedPDUs() {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, pdu []byte) {
		var scratch []byte
		fr, err := decodeFrame(pdu, &scratch)
		if err == nil && fr.kind == 0 {
			t.Fatal("decoded frame without a kind")
		}
		if err == nil {
			decodeControls(fr.controls, scAll)
		}
	})
}

// FuzzConn: raw bytes fed to a live connection handler never crash the server or
// hang the connection.
func FuzzConn(f *testing.F) {
	all := []byte{}
	for _, p := range seedPDUs() {
		f.Add(p)
		all = append(all, p...)
	}
	f.Add(all)
	be := newMemBackend()
	close(be.searchRelease) // the blocking test hooks return at once
	srv := New(be, Options{Logger: zap.NewNop(), MaxPDUSize: 1 << 16})
	f.Fuzz(func(t *testing.T, input []byte) {
		client, server := net.Pipe()
		c := srv.newConn(server, false)
		done := make(chan struct{})
		go func() {
			c.serve()
			close(done)
		}()
		go func() { // a client that reads everything
			buf := make([]byte, 4096)
			for {
				if _, err := client.Read(buf); err != nil {
					return
				}
			}
		}()
		client.SetWriteDeadline(time.Now().Add(2 * time.Second))
		client.Write(input)
		client.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("connection handler did not finish")
		}
	})
}

// FuzzFilter: filter decoding never panics and respects the nesting bound.
func FuzzFilter(f *testing.F) {
	f.Add(presentFilter("cn"))
	f.Add([]byte{0xa0, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeFilterBER(b)
	})
}
