package lambdafn

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/awsbus"
	"github.com/sf-async-deploy/sf-async-deploy/internal/monitor"
	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// errNoCredentials marks a request with neither a session id nor a usable credentialRef.
var errNoCredentials = errors.New("no org credentials")

// orgClient returns a client for the request's org, reusing one across invocations so a
// refreshed token is not requested again on every tick.
func (h *Handler) orgClient(ctx context.Context, req monitor.Request) (*salesforce.Client, error) {
	key := clientKey(req)
	h.mu.Lock()
	if c, ok := h.clients[key]; ok && h.now().Sub(c.made) < clientTTL {
		h.mu.Unlock()
		return c.client, nil
	}
	h.mu.Unlock()

	auth, err := h.authenticator(ctx, req)
	if err != nil {
		return nil, err
	}
	client, err := salesforce.New(salesforce.Config{HTTPClient: h.HTTPClient,
		Policy: h.Config.Rules.Hosts, APIVersion: req.APIVersion, Logger: h.Log,
		Backoff: noRetries}, auth)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNoCredentials, err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.clients == nil {
		h.clients = map[string]cachedClient{}
	}
	h.clients[key] = cachedClient{client: client, made: h.now()}
	return client, nil
}

// clientTTL is how long an org client (and the credential it was built from) is reused: as
// long as a secret read is cached, so a rotated secret is picked up.
const clientTTL = awsbus.DefaultSecretTTL

// cachedClient is an org client and when it was built.
type cachedClient struct {
	client *salesforce.Client
	made   time.Time
}

// dropClient forgets the client of a request whose watch ended.
func (h *Handler) dropClient(req monitor.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.clients, clientKey(req))
}

// noRetries: the queue's next tick is the Lambda's retry.
var noRetries = []time.Duration{}

func clientKey(req monitor.Request) string {
	if req.CredentialRef != "" {
		return "ref\x00" + req.CredentialRef + "\x00" + req.OrgURL
	}
	return "session\x00" + req.OrgURL + "\x00" + req.SessionID + "\x00" + req.EncryptedSessionID
}

func (h *Handler) forgetClient(req monitor.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.clients, clientKey(req))
	if req.CredentialRef != "" {
		h.Secrets.Forget(h.Config.OrgCredentialsPref + req.CredentialRef)
	}
}

// authenticator picks the credential: the named secret when credentialRef is set and the
// Lambda has a prefix for org secrets, else the request's session id.
func (h *Handler) authenticator(ctx context.Context, req monitor.Request) (
	salesforce.Authenticator, error) {
	orgURL, err := h.Config.Rules.Hosts.OrgURL(req.OrgURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNoCredentials, err)
	}
	if req.CredentialRef != "" && h.Config.OrgCredentialsPref != "" {
		value, err := h.Secrets.Get(ctx, h.Config.OrgCredentialsPref+req.CredentialRef)
		if err != nil {
			return nil, err
		}
		auth, err := salesforce.ParseCredentialSecret(value, h.Config.Rules.Hosts)
		if err != nil {
			return nil, err
		}
		return withOrgURL(auth, orgURL), nil
	}
	session := req.SessionID
	if req.EncryptedSessionID != "" {
		if session, err = h.decryptSession(ctx, req); err != nil {
			return nil, err
		}
	}
	if session == "" {
		return nil, fmt.Errorf("%w: the request has no SFDCsessionId, and credentialRef %q "+
			"needs ORG_CREDENTIALS_SECRET_PREFIX", errNoCredentials, req.CredentialRef)
	}
	return salesforce.TokenAuth{OrgURL: orgURL, AccessToken: session}, nil
}

// decryptSession opens the KMS-encrypted session id, bound to the request's deployment; a
// ciphertext that can never be opened stops the watch, an unreachable KMS is retried.
func (h *Handler) decryptSession(ctx context.Context, req monitor.Request) (string, error) {
	if h.Sessions == nil {
		return "", fmt.Errorf("%w: the request's session is KMS-encrypted and this Lambda has "+
			"no KMS client", errNoCredentials)
	}
	session, err := h.Sessions.Decrypt(ctx, req.DeploymentID, req.EncryptedSessionID)
	if errors.Is(err, awsbus.ErrUndecryptable) {
		return "", fmt.Errorf("%w: %w", errNoCredentials, err)
	}
	return session, err
}

// withOrgURL pins a secret's login to the request's org.
func withOrgURL(auth salesforce.Authenticator, orgURL *url.URL) salesforce.Authenticator {
	switch a := auth.(type) {
	case salesforce.RefreshAuth:
		a.OrgURL = orgURL
		return a
	case salesforce.JWTAuth:
		a.OrgURL = orgURL
		return a
	}
	return auth
}
