import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCfnYaml } from './cfn-yaml.js';
import { isFnkitError } from '../errors.js';

test('short tags become CloudFormation long forms (scalar, sequence and mapping)', () => {
  const doc = parseCfnYaml(
    [
      'a: !Ref Foo',
      'b: !Sub "arn:${AWS::Region}:x"',
      'c: !GetAtt Res.Arn',
      'd: !GetAtt [Res, Arn]',
      'e: !Join [",", [a, !Ref B]]',
      'f: !Sub',
      '  - "x-${Y}"',
      '  - { Y: !Ref Z }',
      'g: !If [Cond, 1, 2]',
      'h: !FindInMap [M, K, V]',
      'i: !Condition IsProd',
      'j: !Transform { Name: AWS::Include }',
      'k: !ImportValue other-stack-out',
    ].join('\n'),
    'template.yaml',
  );
  assert.deepEqual(doc, {
    a: { Ref: 'Foo' },
    b: { 'Fn::Sub': 'arn:${AWS::Region}:x' },
    c: { 'Fn::GetAtt': ['Res', 'Arn'] },
    d: { 'Fn::GetAtt': ['Res', 'Arn'] },
    e: { 'Fn::Join': [',', ['a', { Ref: 'B' }]] },
    f: { 'Fn::Sub': ['x-${Y}', { Y: { Ref: 'Z' } }] },
    g: { 'Fn::If': ['Cond', 1, 2] },
    h: { 'Fn::FindInMap': ['M', 'K', 'V'] },
    i: { Condition: 'IsProd' },
    j: { 'Fn::Transform': { Name: 'AWS::Include' } },
    k: { 'Fn::ImportValue': 'other-stack-out' },
  });
});

test('syntax errors and unknown tags name the file and line', () => {
  for (const [text, re] of [
    ['a: [1, 2\nb: 3', /^template\.yaml:2:\d+: not valid YAML/],
    ['a: !Bogus 1', /^template\.yaml:1:\d+: .*!Bogus/],
    ['a: b: c', /^template\.yaml:1:\d+: not valid YAML/],
  ] as const) {
    assert.throws(() => parseCfnYaml(text, 'template.yaml'), (err: unknown) => isFnkitError(err) && err.code === 'FN_ERR_IMPORT_YAML' && re.test(err.message), text);
  }
});
