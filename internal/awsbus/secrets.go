package awsbus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// SecretsAPI is the part of the Secrets Manager client the cache uses.
type SecretsAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput,
		opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// ErrSecretNotFound marks a secret that does not exist (or is scheduled for deletion).
var ErrSecretNotFound = errors.New("secret not found")

// DefaultSecretTTL is how long a secret read stays cached across invocations.
const DefaultSecretTTL = 10 * time.Minute

// Secrets reads secret strings from Secrets Manager and caches them for TTL.
type Secrets struct {
	API SecretsAPI
	TTL time.Duration
	Now func() time.Time

	mu    sync.Mutex
	cache map[string]cachedSecret
}

type cachedSecret struct {
	value   string
	fetched time.Time
}

// NewSecrets builds a cached secret reader from an AWS configuration.
func NewSecrets(cfg aws.Config) *Secrets {
	return &Secrets{API: secretsmanager.NewFromConfig(cfg)}
}

// Get returns a secret's string, from the cache while it is fresh.
func (s *Secrets) Get(ctx context.Context, id string) (string, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	ttl := s.TTL
	if ttl == 0 {
		ttl = DefaultSecretTTL
	}
	s.mu.Lock()
	if c, ok := s.cache[id]; ok && now().Sub(c.fetched) < ttl {
		s.mu.Unlock()
		return c.value, nil
	}
	s.mu.Unlock()

	out, err := s.API.GetSecretValue(ctx,
		&secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
	var missing *types.ResourceNotFoundException
	if errors.As(err, &missing) {
		return "", fmt.Errorf("read secret %q: %w: %w", id, ErrSecretNotFound, err)
	}
	if err != nil {
		return "", fmt.Errorf("read secret %q: %w", id, err)
	}
	if out.SecretString == nil {
		return "", fmt.Errorf("read secret %q: it holds no string (binary secrets are not used)", id)
	}
	s.mu.Lock()
	if s.cache == nil {
		s.cache = map[string]cachedSecret{}
	}
	s.cache[id] = cachedSecret{value: *out.SecretString, fetched: now()}
	s.mu.Unlock()
	return *out.SecretString, nil
}

// Forget drops a cached secret, so the next Get reads it again (after a refused login).
func (s *Secrets) Forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.cache, id)
}
