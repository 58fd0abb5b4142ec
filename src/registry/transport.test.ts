import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointHost, isCertificateError, isLoopback, isTransientError } from './transport.js';

test('isLoopback: hosts that may always use plain HTTP', () => {
  for (const h of ['localhost', 'localhost:5000', '127.0.0.1', '127.0.0.1:5055', '127.1.2.3:80', '[::1]:5000', 'registry.localhost:5000']) assert.equal(isLoopback(h), true, h);
  for (const h of ['docker.io', '10.0.0.1:5000', 'localhost.example.com', '128.0.0.1', '[::2]:5000', '127.0.0.1.nip.io']) assert.equal(isLoopback(h), false, h);
});

test('endpointHost: Docker Hub is served by registry-1.docker.io', () => {
  assert.equal(endpointHost('docker.io'), 'registry-1.docker.io');
  assert.equal(endpointHost('ghcr.io'), 'ghcr.io');
});

test('transient and certificate errors by code', () => {
  for (const code of ['ECONNRESET', 'EPIPE', 'ETIMEDOUT']) assert.equal(isTransientError({ code }), true, code);
  for (const code of ['ECONNREFUSED', 'ENOTFOUND', undefined]) assert.equal(isTransientError({ code }), false, String(code));
  for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED']) assert.equal(isCertificateError({ code }), true, code);
  for (const code of ['EPROTO', 'ECONNREFUSED']) assert.equal(isCertificateError({ code }), false, code);
});
