package ldapserver_test

import (
	"context"
	"fmt"
	"time"

	"github.com/go-ldap/ldap/v3"
	"go.uber.org/zap"

	"lightdir/ldapserver"
)

// rootOnly is the smallest useful Backend: it holds no entries and refuses updates.
type rootOnly struct{}

func (rootOnly) NamingContexts() []string { return []string{"dc=example,dc=com"} }
func (rootOnly) Bind(context.Context, *ldapserver.BindRequest) (*ldapserver.BindResult, error) {
	return nil, &ldapserver.Error{Code: ldapserver.InvalidCredentials}
}
func (rootOnly) Search(context.Context, *ldapserver.SearchRequest, ldapserver.SearchWriter) (*ldapserver.SearchResult, error) {
	return nil, &ldapserver.Error{Code: ldapserver.NoSuchObject}
}
func (rootOnly) Compare(context.Context, *ldapserver.CompareRequest) (bool, error) {
	return false, &ldapserver.Error{Code: ldapserver.NoSuchObject}
}
func (rootOnly) Add(context.Context, *ldapserver.AddRequest) (*ldapserver.WriteResult, error) {
	return nil, ldapserver.Errorf(ldapserver.UnwillingToPerform, "read-only")
}
func (rootOnly) Delete(context.Context, *ldapserver.DeleteRequest) (*ldapserver.WriteResult, error) {
	return nil, ldapserver.Errorf(ldapserver.UnwillingToPerform, "read-only")
}
func (rootOnly) Modify(context.Context, *ldapserver.ModifyRequest) (*ldapserver.WriteResult, error) {
	return nil, ldapserver.Errorf(ldapserver.UnwillingToPerform, "read-only")
}
func (rootOnly) ModifyDN(context.Context, *ldapserver.ModifyDNRequest) (*ldapserver.WriteResult, error) {
	return nil, ldapserver.Errorf(ldapserver.UnwillingToPerform, "read-only")
}
func (rootOnly) PasswordModify(context.Context, *ldapserver.PasswordModifyRequest) (*ldapserver.PasswordModifyResult, error) {
	return nil, ldapserver.Errorf(ldapserver.UnwillingToPerform, "read-only")
}
func (rootOnly) Extended(_ context.Context, req *ldapserver.ExtendedRequest) (*ldapserver.ExtendedResult, error) {
	return nil, ldapserver.Errorf(ldapserver.ProtocolError, "unsupported extended operation %s", req.OID)
}

// Listen, serve, query the Root DSE, shut down.
func Example() {
	srv := ldapserver.New(rootOnly{}, ldapserver.Options{Logger: zap.NewNop()})
	l, err := ldapserver.Listen("ldap://127.0.0.1:0", nil)
	if err != nil {
		panic(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	c, err := ldap.DialURL("ldap://" + l.Addr().String())
	if err != nil {
		panic(err)
	}
	res, err := c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, 0, 0, 0, false,
		"(objectClass=*)", []string{"namingContexts"}, nil))
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Entries[0].GetAttributeValue("namingContexts"))
	c.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fmt.Println(srv.Shutdown(ctx), <-served)
	// Output:
	// dc=example,dc=com
	// <nil> ldapserver: server closed
}
