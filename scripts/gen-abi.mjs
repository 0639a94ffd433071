// Generates host/core/abi.generated.ts: the ABI's numbers (event kinds, connection
// states, config keys, stats slots, levels, suites, error codes, packet and frame types,
// transport parameter ids, qlog record kinds) copied from their declarations in assembly/,
// so that the host never keeps a hand-written copy that can drift from the core.
//
//   node scripts/gen-abi.mjs            write the file (only when it changed)
//   node scripts/gen-abi.mjs --check    exit 1 when the file differs from a fresh generation
//   node scripts/gen-abi.mjs --stdout   print the generation
//
// The AssemblyScript sources are parsed with the `typescript` package (AssemblyScript
// syntax is TypeScript's; parse errors such as decorators on functions are ignored since
// only constant declarations are read). Run by `npm run asbuild` (so by prepack and
// pretest); test/core/abi-numbers.test.ts fails when the committed file is stale.

import ts from 'typescript';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';

/** Where the generated file goes, relative to the repository root. */
export const OUTPUT = 'host/core/abi.generated.ts';

/**
 * What to copy. `names`: exported namespaces (emitted as `const` objects with a type of
 * their values). `pick`: exported top-level constants matching the pattern (emitted as
 * constants of the same names); `group` also collects them into one object and type,
 * for host code that wants a set (e.g. a name for a number).
 */
export const SOURCES = [
  { file: 'assembly/conn/events.ts', names: ['EventKind'] },
  { file: 'assembly/conn/connection.ts', pick: /^STATE_/, group: { name: 'ConnState', doc: 'Connection states reported by connState and the Stats.STATE slot.' } },
  { file: 'assembly/conn/config.ts', names: ['ConfigKey'] },
  { file: 'assembly/abi/stats.ts', names: ['Stats', 'Timers'] },
  { file: 'assembly/conn/space.ts', pick: /^SPACE_/, names: ['Level'] },
  { file: 'assembly/crypto/host.ts', names: ['Suite'] },
  { file: 'assembly/recovery/cc.ts', pick: /^CC_/ },
  { file: 'assembly/wire/errors.ts', pick: /^(?!ERR_)/, group: { name: 'TransportErrorCode', doc: 'QUIC transport error codes (RFC 9000 §20.1); 0x100-0x1ff is CRYPTO_ERROR.' } },
  { file: 'assembly/wire/errors.ts', pick: /^ERR_/, group: { name: 'CoreErrorCode', doc: "The core's own outcomes, returned as -code; never sent on the wire." } },
  { file: 'assembly/wire/version.ts', pick: /^QUIC_V/, names: ['PacketType'] },
  { file: 'assembly/wire/frames/types.ts', names: ['FrameType'], pick: /^STREAM_(OFF|LEN|FIN)$/ },
  { file: 'assembly/wire/tparams.ts', names: ['TpId'] },
  { file: 'assembly/conn/qlog.ts', pick: /^QLOG_/ },
  { file: 'assembly/endpoint/cid-gen.ts', pick: /^CID_GEN_/ },
  { file: 'assembly/conn/datagrams.ts', pick: /^DATAGRAM_/ },
  { file: 'assembly/abi/datagram-stats.ts', names: ['DatagramStats'] },
  { file: 'assembly/abi/endpoint-stats.ts', names: ['EndpointStats'] },
  { file: 'assembly/conn/path-migrate.ts', names: ['MigrateError'] },
];

/** Evaluates a constant initializer (literals, unary/binary integer arithmetic, earlier names) as a BigInt. */
function evaluate(node, scope, where) {
  if (ts.isNumericLiteral(node)) {
    const t = node.text;
    if (!/^(0x[0-9a-f]+|0b[01]+|0o[0-7]+|\d+)$/i.test(t)) throw new Error(`${where}: ${t} is not an integer`);
    return BigInt(t);
  }
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) return evaluate(node.expression, scope, where);
  if (ts.isPrefixUnaryExpression(node)) {
    const v = evaluate(node.operand, scope, where);
    if (node.operator === ts.SyntaxKind.MinusToken) return -v;
    if (node.operator === ts.SyntaxKind.PlusToken) return v;
    if (node.operator === ts.SyntaxKind.TildeToken) return ~v;
  }
  if (ts.isBinaryExpression(node)) {
    const a = evaluate(node.left, scope, where), b = evaluate(node.right, scope, where);
    switch (node.operatorToken.kind) {
      case ts.SyntaxKind.PlusToken: return a + b;
      case ts.SyntaxKind.MinusToken: return a - b;
      case ts.SyntaxKind.AsteriskToken: return a * b;
      case ts.SyntaxKind.LessThanLessThanToken: return a << b;
      case ts.SyntaxKind.GreaterThanGreaterThanToken: return a >> b;
      case ts.SyntaxKind.BarToken: return a | b;
      case ts.SyntaxKind.AmpersandToken: return a & b;
    }
  }
  if (ts.isIdentifier(node) && scope.has(node.text)) return scope.get(node.text);
  throw new Error(`${where}: cannot evaluate "${node.getText()}" (only integer constants are copied)`);
}

/** The `/** ... *\/` comments in front of a node, re-indented by `indent`. */
function docOf(node, text, indent) {
  const out = [];
  for (const r of ts.getLeadingCommentRanges(text, node.pos) ?? []) {
    const c = text.slice(r.pos, r.end);
    if (!c.startsWith('/**')) continue;
    out.push(c.split('\n').map((l, i) => indent + (i === 0 ? l.trim() : ' ' + l.trim())).join('\n'));
  }
  return out;
}

function isExported(node) {
  return (ts.getModifiers?.(node) ?? node.modifiers ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** Integer as TS source: the literal as written when it was a plain literal, else decimal. */
function literal(init, value, where) {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${where}: ${value} does not fit a JS number exactly`);
  // getText(), not .text: keep 0x10001 as written (TypeScript normalizes .text to decimal).
  if (ts.isNumericLiteral(init)) return init.getText();
  if (ts.isPrefixUnaryExpression(init) && init.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(init.operand)) return `-${init.operand.getText()}`;
  return value.toString();
}

/** The exported `const` declarations of a statement list: [{ name, text(), value, doc } | { name, error }], evaluated in order. */
function constants(statements, text, file, indent, outer) {
  const scope = new Map(outer);
  const out = [];
  for (const st of statements) {
    if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || !d.initializer) continue;
      const where = `${file}: ${d.name.text}`;
      let value;
      try { value = evaluate(d.initializer, scope, where); } catch (e) { if (isExported(st)) out.push({ name: d.name.text, error: e }); continue; }
      scope.set(d.name.text, value);
      if (isExported(st)) out.push({ name: d.name.text, text: () => literal(d.initializer, value, where), value, doc: docOf(st, text, indent) });
    }
  }
  return { list: out, scope };
}

function typeOfValues(name) {
  return `export type ${name} = (typeof ${name})[keyof typeof ${name}];`;
}

/** Generates the file's text from the sources under `root`. */
export function generate(root) {
  const parts = [];
  for (const src of SOURCES) {
    const path = join(root, src.file);
    const text = readFileSync(path, 'utf8');
    const sf = ts.createSourceFile(src.file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const top = constants(sf.statements, text, src.file, '', new Map());
    const section = [`// ${src.file}`];

    if (src.pick) {
      const picked = top.list.filter((c) => src.pick.test(c.name));
      if (picked.length === 0) throw new Error(`${src.file}: no exported constant matches ${src.pick}`);
      for (const c of picked) {
        if (c.error) throw c.error;
        section.push(...c.doc, `export const ${c.name} = ${c.text()};`);
      }
      if (src.group) {
        section.push(`/** ${src.group.doc} */`, `export const ${src.group.name} = {`);
        for (const c of picked) section.push(`  ${c.name},`);
        section.push('} as const;', `/** One of ${src.group.name}'s values. */`, typeOfValues(src.group.name));
      }
    }

    for (const name of src.names ?? []) {
      const ns = sf.statements.find((s) => ts.isModuleDeclaration(s) && s.name.text === name && isExported(s));
      if (!ns || !ns.body || !ts.isModuleBlock(ns.body)) throw new Error(`${src.file}: no exported namespace ${name}`);
      const members = constants(ns.body.statements, text, `${src.file} ${name}`, '  ', top.scope).list;
      if (members.length === 0) throw new Error(`${src.file}: namespace ${name} has no exported constants`);
      section.push(...docOf(ns, text, ''), `export const ${name} = {`);
      for (const c of members) {
        if (c.error) throw c.error;
        section.push(...c.doc, `  ${c.name}: ${c.text()},`);
      }
      section.push('} as const;', `/** One of ${name}'s values. */`, typeOfValues(name));
    }
    parts.push(section.join('\n'));
  }
  const header = [
    '// generated by scripts/gen-abi.mjs from assembly/ (the files named above each section); do not edit.',
    '// Change the declarations in assembly/ and run `npm run gen:abi` (the build runs it);',
    '// test/core/abi-numbers.test.ts fails when this file is stale.',
  ].join('\n');
  return `${header}\n\n${parts.join('\n\n')}\n`;
}

function main(argv) {
  const root = resolve(dirname(argv[1]), '..');
  const text = generate(root);
  const out = join(root, OUTPUT);
  const current = existsSync(out) ? readFileSync(out, 'utf8') : null;
  if (argv.includes('--stdout')) { process.stdout.write(text); return 0; }
  if (argv.includes('--check')) {
    if (current === text) return 0;
    console.error(`${OUTPUT} is stale: run \`npm run gen:abi\` and commit it`);
    return 1;
  }
  if (current !== text) {
    writeFileSync(out, text);
    console.log(`gen-abi: wrote ${OUTPUT}`);
  }
  return 0;
}

if (process.argv[1] && /gen-abi\.mjs$/.test(process.argv[1])) process.exitCode = main(process.argv);
