package engine_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log"
	"os"

	"lightdir/engine"
)

// Open an environment, write in one transaction, read in another.
func Example() {
	dir, err := os.MkdirTemp("", "engine-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	env, err := engine.Open(dir, &engine.Options{MapSize: 64 << 20})
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()

	var users engine.DBI
	err = env.Update(func(txn *engine.Txn) error {
		if users, err = txn.OpenDB("users", engine.Create); err != nil {
			return err
		}
		for _, name := range []string{"carol", "alice", "bob"} {
			if err := txn.Put(users, []byte(name), []byte("uid="+name), 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}

	err = env.View(func(txn *engine.Txn) error {
		v, err := txn.Get(users, []byte("bob"))
		if err != nil {
			return err
		}
		fmt.Printf("bob: %s\n", v) // v is valid until the transaction ends
		if _, err := txn.Get(users, []byte("dave")); errors.Is(err, engine.ErrNotFound) {
			fmt.Println("dave: not found")
		}
		c, err := txn.OpenCursor(users)
		if err != nil {
			return err
		}
		defer c.Close()
		for k, _, err := c.Get(nil, nil, engine.First); err == nil; k, _, err = c.Get(nil, nil, engine.Next) {
			fmt.Println(string(k))
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// bob: uid=bob
	// dave: not found
	// alice
	// bob
	// carol
}

// A DupSort|DupFixed database stores an ID list per key; GetMultiple and
// NextMultiple read it back a page of IDs at a time.
func Example_idList() {
	dir, err := os.MkdirTemp("", "engine-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	env, err := engine.Open(dir, &engine.Options{MapSize: 64 << 20, Durability: engine.NoSync})
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	var idx engine.DBI
	err = env.Update(func(txn *engine.Txn) error {
		if idx, err = txn.OpenDB("uid.eq", engine.Create|engine.DupSort|engine.DupFixed|engine.IntegerDup); err != nil {
			return err
		}
		id := make([]byte, 8)
		for i := uint64(1); i <= 1000; i++ {
			binary.NativeEndian.PutUint64(id, i) // IntegerDup: native unsigned integers
			if err := txn.Put(idx, []byte("alice"), id, engine.AppendDup); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	err = env.View(func(txn *engine.Txn) error {
		c, err := txn.OpenCursor(idx)
		if err != nil {
			return err
		}
		defer c.Close()
		if _, _, err := c.Get([]byte("alice"), nil, engine.Set); err != nil {
			return err
		}
		total := 0
		for _, v, err := c.Get(nil, nil, engine.GetMultiple); err == nil; _, v, err = c.Get(nil, nil, engine.NextMultiple) {
			total += len(v) / 8
		}
		fmt.Println("ids:", total)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// ids: 1000
}
