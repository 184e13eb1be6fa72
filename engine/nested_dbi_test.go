package engine

import (
	"errors"
	"fmt"
	"testing"
)

// OpenDB of a database this transaction (or an ancestor) created or changed
// sees the transaction's view. It used to take the record last committed to
// the main DB: a new database was not found, and an existing one went back to
// its committed root, whose pages the commit then listed both used and free.
func TestNested_reopenedDBKeepsTxnView(t *testing.T) {
	fill := func(t *testing.T, txn *Txn, dbi DBI) {
		for i := 0; i < 300; i++ {
			if err := txn.Put(dbi, fmt.Appendf(nil, "k%04d", i), make([]byte, 50), 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, existing := range []bool{false, true} {
		t.Run(fmt.Sprintf("existing=%v", existing), func(t *testing.T) {
			top := edgeTxn(t)
			env := top.env
			want := uint64(300)
			if existing { // "x" committed with one key; the next transaction adds 300
				dbi, err := top.OpenDB("x", Create)
				if err != nil {
					t.Fatal(err)
				}
				if err := top.Put(dbi, []byte("old"), []byte("v"), 0); err != nil {
					t.Fatal(err)
				}
				if err := top.Commit(); err != nil {
					t.Fatal(err)
				}
				if top, err = env.BeginWrite(); err != nil {
					t.Fatal(err)
				}
				defer top.Abort()
				want++
			}
			dbi, err := top.OpenDB("x", Create)
			if err != nil {
				t.Fatal(err)
			}
			fill(t, top, dbi)
			child, err := top.BeginChild()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := child.OpenDB("x", 0); err != nil {
				t.Fatalf("child reopening x: %v", err)
			}
			if st, err := child.Stat(dbi); err != nil || st.Entries != want {
				t.Errorf("child's view of x after reopening it: %d entries (%v), want %d", st.Entries, err, want)
			}
			if err := child.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := top.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := Check(env); err != nil {
				t.Fatalf("after commit: %v", err)
			}
		})
	}
}

// While a child is active, Cursor.Count on a parent's cursor, Txn.Get and
// Txn.Stat on the parent return ErrBadTxn, as in LMDB. Count used to
// reattach the cursor to the parent's page buffers, which the child's commit
// replaces: the cursor then read stale pages.
func TestNested_parentRefusesReadsDuringChild(t *testing.T) {
	top := edgeTxn(t)
	for _, k := range []string{"a", "c"} {
		if err := top.Put(MainDB, []byte(k), []byte(k), 0); err != nil {
			t.Fatal(err)
		}
	}
	c := mustCursor(t, top, MainDB)
	if got := move(t, c, []byte("a"), nil, Set); got != "a/a" {
		t.Fatalf("Set a: %s", got)
	}
	child, err := top.BeginChild()
	if err != nil {
		t.Fatal(err)
	}
	if n, err := c.Count(); !errors.Is(err, ErrBadTxn) {
		t.Errorf("Count on the parent's cursor while a child is active: %d, %v; want ErrBadTxn", n, err)
	}
	if _, err := top.Get(MainDB, []byte("a")); !errors.Is(err, ErrBadTxn) {
		t.Errorf("Get on the parent while a child is active: %v; want ErrBadTxn", err)
	}
	if _, err := top.Stat(MainDB); !errors.Is(err, ErrBadTxn) {
		t.Errorf("Stat on the parent while a child is active: %v; want ErrBadTxn", err)
	}
	if err := child.Put(MainDB, []byte("b"), []byte("b"), 0); err != nil {
		t.Fatal(err)
	}
	if err := child.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := move(t, c, nil, nil, Next); got != "b/b" {
		t.Fatalf("parent cursor Next from a after the child added b: %s, want b/b", got)
	}
}

// A handle whose creating child aborted is empty until written: reading
// through it in the parent does not create the database (it used to).
func TestNested_abortedChildsHandleReadDoesNotCreate(t *testing.T) {
	top := edgeTxn(t)
	env := top.env
	child, err := top.BeginChild()
	if err != nil {
		t.Fatal(err)
	}
	dbi, err := child.OpenDB("x", Create)
	if err != nil {
		t.Fatal(err)
	}
	child.Abort()
	if _, err := top.OpenDB("x", 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("parent opens x after the child that created it aborted: %v", err)
	}
	if _, err := top.Get(dbi, []byte("k")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get through the aborted child's handle: %v", err)
	}
	if err := top.Put(MainDB, []byte("other"), []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	if err := top.Commit(); err != nil {
		t.Fatal(err)
	}
	err = env.View(func(txn *Txn) error {
		names, err := txn.DBNames()
		if err != nil {
			return err
		}
		if len(names) != 0 {
			return fmt.Errorf("databases %q exist, but x was only read after its creation was aborted", names)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// After a child created "x" DupSort and aborted, and the parent created "x"
// plain, OpenDB("x") returns that one handle every time. Each call used to
// register one more, until ErrDBsFull.
func TestOpenDB_oneHandleAfterAbortedCreateWithOtherFlags(t *testing.T) {
	env, err := Open(t.TempDir(), &Options{MapSize: 64 << 20, Durability: NoSync, MaxDBs: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	top, err := env.BeginWrite()
	if err != nil {
		t.Fatal(err)
	}
	child, err := top.BeginChild()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := child.OpenDB("x", Create|DupSort); err != nil {
		t.Fatal(err)
	}
	child.Abort()
	first, err := top.OpenDB("x", Create)
	if err != nil {
		t.Fatal(err)
	}
	if err := top.Put(first, []byte("k"), []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	if err := top.Commit(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 0; i < 6; i++ {
		err := env.View(func(txn *Txn) error {
			dbi, err := txn.OpenDB("x", 0)
			got = append(got, fmt.Sprintf("%d:%v", dbi, err))
			return err
		})
		if err != nil || got[i] != fmt.Sprintf("%d:<nil>", first) {
			t.Fatalf("OpenDB(x) repeated (handle of the creating OpenDB: %d): %v", first, got)
		}
	}
}

// OpenDB(Create) stores the new database's record in the main DB at once, as
// LMDB does, so its name is taken: a plain key cannot be put over it, and the
// main DB cannot become DupSort/IntegerKey (nor, once it is, hold a named
// database). The record used to wait for the outermost commit, which then
// failed or stored a database that could not be opened.
func TestOpenDB_createdNameTakenAtOnce(t *testing.T) {
	t.Run("plainKeyOverName", func(t *testing.T) {
		top := edgeTxn(t)
		child, _ := top.BeginChild()
		if _, err := child.OpenDB("x", Create); err != nil {
			t.Fatal(err)
		}
		if err := child.Put(MainDB, []byte("x"), []byte("plain"), 0); !errors.Is(err, ErrIncompatible) {
			t.Errorf("Put of plain main key %q over the new database's name: %v, want ErrIncompatible", "x", err)
		}
		if err := child.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := top.Commit(); err != nil {
			t.Fatalf("commit: %v", err)
		}
	})
	t.Run("mainIntegerKeyAfterNamed", func(t *testing.T) {
		top := edgeTxn(t)
		dbi, err := top.OpenDB("x", Create)
		if err != nil {
			t.Fatal(err)
		}
		if err := top.Put(dbi, []byte("k"), []byte("v"), 0); err != nil {
			t.Fatal(err)
		}
		child, _ := top.BeginChild()
		if _, err := child.OpenDB("", IntegerKey); !errors.Is(err, ErrIncompatible) {
			t.Errorf("main DB made IntegerKey while it holds database x: %v, want ErrIncompatible", err)
		}
		child.Commit()
		if err := top.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := top.env.View(func(txn *Txn) error { _, err := txn.OpenDB("x", 0); return err }); err != nil {
			t.Fatalf("x after commit: %v", err)
		}
	})
	t.Run("namedAfterMainDupSort", func(t *testing.T) {
		top := edgeTxn(t)
		child, _ := top.BeginChild()
		if _, err := child.OpenDB("", DupSort); err != nil {
			t.Fatal(err)
		}
		if _, err := child.OpenDB("x", Create); !errors.Is(err, ErrIncompatible) {
			t.Errorf("named database created in a DupSort main DB: %v, want ErrIncompatible", err)
		}
	})
}

// A Put refused because the key is a named database changes nothing, and
// the transaction stays usable and commits, as in LMDB and as Del does. It
// used to fail the transaction.
func TestPut_refusedOverDBNameKeepsTxnUsable(t *testing.T) {
	top := edgeTxn(t)
	if _, err := top.OpenDB("x", Create); err != nil {
		t.Fatal(err)
	}
	if err := top.Commit(); err != nil {
		t.Fatal(err)
	}
	top, err := top.env.BeginWrite()
	if err != nil {
		t.Fatal(err)
	}
	defer top.Abort()
	child, err := top.BeginChild()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Put(MainDB, []byte("x"), []byte("v"), 0); !errors.Is(err, ErrIncompatible) {
		t.Fatalf("Put over a named database: %v, want ErrIncompatible", err)
	}
	if err := child.Put(MainDB, []byte("y"), []byte("v"), 0); err != nil {
		t.Errorf("Put after the refused one: %v", err)
	}
	if err := child.Commit(); err != nil {
		t.Errorf("child commit after a refused put: %v", err)
	}
}

// Pages dirty in the parent that a child copies and then frees leave the
// parent's dirty set when the child commits. They used to stay: free, yet
// written at commit and counted against DirtyLimit.
// (TestNested_grandchildFreesGrandparentPages_dropsThem covers pages freed
// without being copied first.)
func TestNested_childFreesPagesItCopiedFromParent(t *testing.T) {
	childFreesParentPages(t, "the child", func(top *Txn, dbi DBI) {
		child, err := top.BeginChild()
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2000; i++ { // copies every leaf into the child
			if err := child.Put(dbi, nestedKey(i), make([]byte, 100), 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := child.Empty(dbi); err != nil {
			t.Fatal(err)
		}
		if err := child.Commit(); err != nil {
			t.Fatal(err)
		}
	})
}
