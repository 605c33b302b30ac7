package awsbus

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// ContextKey is the encryption context key that binds a ciphertext to its deployment.
const ContextKey = "deploymentId"

// ErrUndecryptable marks a ciphertext KMS will never decrypt (wrong context, key or data).
var ErrUndecryptable = errors.New("session ciphertext cannot be decrypted")

// KMSAPI is the part of the KMS client the session cipher uses.
type KMSAPI interface {
	Encrypt(ctx context.Context, in *kms.EncryptInput, opts ...func(*kms.Options)) (
		*kms.EncryptOutput, error)
	Decrypt(ctx context.Context, in *kms.DecryptInput, opts ...func(*kms.Options)) (
		*kms.DecryptOutput, error)
}

// SessionCipher encrypts a session id for one deployment, and decrypts it.
type SessionCipher struct {
	API KMSAPI
}

// NewSessionCipher builds a cipher from an AWS configuration.
func NewSessionCipher(cfg aws.Config) *SessionCipher {
	return &SessionCipher{API: kms.NewFromConfig(cfg)}
}

// Encrypt returns the session encrypted under key, bound to deploymentID, in base64.
func (c *SessionCipher) Encrypt(ctx context.Context, key, deploymentID, session string) (
	string, error) {
	out, err := c.API.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(key),
		Plaintext:         []byte(session),
		EncryptionContext: map[string]string{ContextKey: deploymentID}})
	if err != nil {
		return "", fmt.Errorf("encrypt the session with KMS key %q: %w", key, err)
	}
	return base64.StdEncoding.EncodeToString(out.CiphertextBlob), nil
}

// Decrypt returns the session that Encrypt bound to deploymentID.
func (c *SessionCipher) Decrypt(ctx context.Context, deploymentID, ciphertext string) (
	string, error) {
	blob, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil {
		return "", fmt.Errorf("%w: not base64", ErrUndecryptable)
	}
	out, err := c.API.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: blob,
		EncryptionContext: map[string]string{ContextKey: deploymentID}})
	var invalid *types.InvalidCiphertextException
	var denied *types.IncorrectKeyException
	switch {
	case errors.As(err, &invalid), errors.As(err, &denied):
		return "", fmt.Errorf("%w: %w", ErrUndecryptable, err)
	case err != nil:
		return "", fmt.Errorf("decrypt the session with KMS: %w", err)
	}
	return string(out.Plaintext), nil
}
