package boltstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// Encoding a step's conversation and reply is most of the work of storing it. bbolt runs one
// write transaction at a time, so Encode does it before, concurrently with other steps, and
// PutEncoded only copies bytes. The outbox entry's ID, its first field, is only known inside
// the transaction: it is encoded as 0 and numbered there.

// encoded is the Data of a store.Encoded made by this store.
type encoded struct {
	conv, send []byte
}

// Encode encodes c and d (d may be nil) for PutEncoded.
func (s *Store) Encode(c *decide.Conversation, d *store.Delivery) (*store.Encoded, error) {
	var (
		enc encoded
		err error
	)
	if enc.conv, err = json.Marshal(c); err != nil {
		return nil, err
	}
	if d != nil {
		if enc.send, err = encodeUnnumbered(d); err != nil {
			return nil, err
		}
	}
	return &store.Encoded{Conv: c, Delivery: d, Data: enc}, nil
}

// PutEncoded stores what Encode made ready.
func (t txn) PutEncoded(key string, e *store.Encoded) error {
	enc, ok := e.Data.(encoded)
	if !ok {
		return fmt.Errorf("put encoded: not encoded by this store")
	}
	if err := t.putConversationJSON([]byte(key), enc.conv, e.Conv); err != nil {
		return err
	}
	if e.Delivery == nil {
		return nil
	}
	return t.enqueueEncoded(e.Delivery, enc.send)
}

// unnumberedPrefix starts every encoded Delivery whose ID is still 0: ID is its first field.
var unnumberedPrefix = []byte(`{"id":0,`)

// encodeUnnumbered encodes a new delivery (ID 0) so that numbered can give it its ID without
// encoding it again.
func encodeUnnumbered(d *store.Delivery) ([]byte, error) {
	if d.ID != 0 {
		return nil, fmt.Errorf("encode delivery: already numbered %d", d.ID)
	}
	v, err := json.Marshal(d)
	if err == nil && !bytes.HasPrefix(v, unnumberedPrefix) {
		err = fmt.Errorf("encode delivery: does not start with %s", unnumberedPrefix)
	}
	return v, err
}

// numbered returns v, from encodeUnnumbered, with the ID id.
func numbered(v []byte, id uint64) []byte {
	rest := v[len(unnumberedPrefix)-1:] // from the comma on
	out := make([]byte, 0, len(v)+20)
	out = append(out, unnumberedPrefix[:len(unnumberedPrefix)-2]...)
	out = strconv.AppendUint(out, id, 10)
	return append(out, rest...)
}
