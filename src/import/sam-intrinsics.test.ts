import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, UNRESOLVED } from './sam-intrinsics.js';

const ctx = { parameters: { Stage: 'prod', Empty: undefined }, mappings: { Sizes: { prod: { Memory: 256 } } }, region: 'eu-west-1', stackName: 'app' };

test('intrinsics the template alone decides', () => {
  const cases: Array<[unknown, unknown]> = [
    [{ Ref: 'Stage' }, 'prod'],
    [{ Ref: 'AWS::Region' }, 'eu-west-1'],
    [{ Ref: 'AWS::StackName' }, 'app'],
    [{ Ref: 'AWS::Partition' }, 'aws'],
    [{ 'Fn::Sub': 'x-${Stage}-${AWS::Region}' }, 'x-prod-eu-west-1'],
    [{ 'Fn::Sub': 'keep ${!Literal}' }, 'keep ${Literal}'],
    [{ 'Fn::Sub': ['${A}/${Stage}', { A: { Ref: 'Stage' } }] }, 'prod/prod'],
    [{ 'Fn::Join': ['-', ['a', { Ref: 'Stage' }]] }, 'a-prod'],
    [{ 'Fn::Select': [1, ['a', 'b']] }, 'b'],
    [{ 'Fn::Split': [',', 'a,b'] }, ['a', 'b']],
    [{ 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'Memory'] }, 256],
    [{ 'Fn::Base64': 'hi' }, 'aGk='],
    [{ nested: { Ref: 'Stage' }, plain: 1 }, { nested: 'prod', plain: 1 }],
    [['a', { Ref: 'AWS::NoValue' }, 'b'], ['a', 'b']],
    ['plain', 'plain'],
    [5, 5],
  ];
  for (const [input, want] of cases) assert.deepEqual(evaluate(input, ctx), want, JSON.stringify(input));
});

test('intrinsics that need a deployed stack stay unresolved', () => {
  for (const input of [
    { Ref: 'MyTable' },
    { Ref: 'AWS::AccountId' },
    { Ref: 'Empty' },
    { 'Fn::GetAtt': ['Table', 'Arn'] },
    { 'Fn::ImportValue': 'x' },
    { 'Fn::If': ['C', 1, 2] },
    { 'Fn::Sub': '${Table.Arn}' },
    { 'Fn::Sub': '${Unknown}' },
    { 'Fn::Select': [5, ['a']] },
    { 'Fn::FindInMap': ['Sizes', 'dev', 'Memory'] },
    { wrapper: { 'Fn::GetAtt': 'X.Y' } },
  ]) {
    assert.equal(evaluate(input, ctx), UNRESOLVED, JSON.stringify(input));
  }
});
