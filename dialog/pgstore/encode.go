package pgstore

import (
	"encoding/json"

	"github.com/helpdesk-bot/helpdesk/dialog/decide"
	"github.com/helpdesk-bot/helpdesk/dialog/store"
)

// encoded is what Encode prepares: the JSON bodies of a conversation and of the reply queued
// with it (the outbox keeps an entry without its id, so all of it can be encoded before the
// transaction numbers it).
type encoded struct {
	conv, delivery []byte
}

// Encode encodes c and d ahead of the write transaction: see store.Store.
func (s *Store) Encode(c *decide.Conversation, d *store.Delivery) (*store.Encoded, error) {
	var (
		e   encoded
		err error
	)
	if e.conv, err = json.Marshal(c); err != nil {
		return nil, err
	}
	if d != nil {
		if e.delivery, err = encodeDelivery(d); err != nil {
			return nil, err
		}
	}
	return &store.Encoded{Conv: c, Delivery: d, Data: &e}, nil
}

// PutEncoded stores e.Conv under key and queues e.Delivery, as PutConversation and Enqueue
// would, with the JSON Encode made.
func (t *txn) PutEncoded(key string, e *store.Encoded) error {
	data, ok := e.Data.(*encoded)
	if !ok {
		if err := t.PutConversation(key, e.Conv); err != nil {
			return err
		}
		if e.Delivery != nil {
			return t.Enqueue(e.Delivery)
		}
		return nil
	}
	if err := t.putConversation(key, e.Conv, data.conv); err != nil {
		return err
	}
	if e.Delivery != nil {
		return t.enqueue(e.Delivery, data.delivery)
	}
	return nil
}
