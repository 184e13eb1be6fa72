package ldapserver

import "errors"

// Returned by Serve and ListenAndServe.
var (
	// ErrServerClosed is returned by Serve after Shutdown or Close.
	ErrServerClosed = errors.New("ldapserver: server closed")
	// ErrBadURL is returned by Listen for a URL that is not ldap://, ldaps:// or ldapi://.
	ErrBadURL = errors.New("ldapserver: unsupported listener URL")
	// ErrNoTLSConfig is returned when ldaps:// is requested without Options.TLSConfig.
	ErrNoTLSConfig = errors.New("ldapserver: ldaps needs a TLS config")
)

// Seen while reading a connection; they end it (after a Notice of Disconnection
// where the protocol asks for one).
var (
	// ErrPDUTooLarge reports a request larger than Options.MaxPDUSize.
	ErrPDUTooLarge = errors.New("ldapserver: PDU too large")
	// ErrMalformed reports a PDU that is not a well-formed LDAPMessage request.
	ErrMalformed = errors.New("ldapserver: malformed PDU")
	// errBER is wrapped by every BER decoding error (inside ErrMalformed for PDUs,
	// or answered with protocolError for control and extended-operation values).
	errBER = errors.New("ldapserver: malformed BER")
	// errDraining ends the read loop when Shutdown asks the connection to drain.
	errDraining = errors.New("ldapserver: draining")
	// errConnClosed is returned to senders once the connection is gone.
	errConnClosed = errors.New("ldapserver: connection closed")
)

// Seen by operations: the cause of a cancelled operation context.
var (
	// errCanceled is the cause used when a Cancel extended operation stops an operation.
	errCanceled = errors.New("ldapserver: operation canceled")
	// errAbandoned is the cause used for Abandon, Unbind and a closing connection.
	errAbandoned = errors.New("ldapserver: operation abandoned")
)
