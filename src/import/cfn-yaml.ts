// YAML with CloudFormation's short-form intrinsic tags (!Ref, !Sub, !GetAtt...), as SAM
// templates are written. Each tag becomes the long form ({"Fn::Sub": ...}) so the rest of the
// importer sees one shape (AWS CloudFormation "Intrinsic function reference").
import { parseDocument, type ScalarTag, type CollectionTag } from 'yaml';
import { FnkitError } from '../errors.js';

const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'If', 'Equals', 'And', 'Or', 'Not', 'ToJsonString', 'Length'] as const;

function longName(short: string): string {
  return short === 'Ref' || short === 'Condition' ? short : `Fn::${short}`;
}

/** !GetAtt Res.Attr (scalar) and !GetAtt [Res, Attr] (sequence) mean the same. */
function getAttScalar(value: string): unknown {
  const i = value.indexOf('.');
  return { 'Fn::GetAtt': i < 0 ? [value] : [value.slice(0, i), value.slice(i + 1)] };
}

function tagsFor(): Array<ScalarTag | CollectionTag> {
  const tags: Array<ScalarTag | CollectionTag> = [];
  for (const short of ['Ref', 'Condition', 'GetAtt', ...FUNCTIONS]) {
    const tag = `!${short}`;
    const wrap = (v: unknown) => (short === 'GetAtt' && typeof v === 'string' ? getAttScalar(v) : { [longName(short)]: v });
    tags.push({ tag, resolve: (str: string) => wrap(str) } as ScalarTag);
    tags.push({ tag, collection: 'seq', resolve: (seq: { toJSON(): unknown }) => wrap(seq.toJSON()) } as unknown as CollectionTag);
    tags.push({ tag, collection: 'map', resolve: (map: { toJSON(): unknown }) => wrap(map.toJSON()) } as unknown as CollectionTag);
  }
  return tags;
}

/** Parses YAML (CloudFormation tags allowed); a syntax error names the file, line and column. */
export function parseCfnYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { customTags: tagsFor(), prettyErrors: true, uniqueKeys: false });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    throw new FnkitError('FN_ERR_IMPORT_YAML', `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${err.message.split('\n')[0]}`, {
      hint: 'fix the YAML syntax at that line (the same file must deploy with serverless / sam too)',
      data: { file, line: pos?.line, col: pos?.col },
    });
  }
  for (const w of doc.warnings) {
    // Unknown tags (!Something) are warnings in `yaml`; CloudFormation would reject them.
    if (w.code === 'TAG_RESOLVE_FAILED') {
      const pos = w.linePos?.[0];
      throw new FnkitError('FN_ERR_IMPORT_YAML', `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${w.message.split('\n')[0]}`, {
        hint: `CloudFormation short tags are !Ref, !Condition, !GetAtt and !${FUNCTIONS.join(', !')}`,
        data: { file, line: pos?.line },
      });
    }
  }
  return doc.toJS({ maxAliasCount: 1000 });
}
