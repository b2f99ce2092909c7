#!/usr/bin/env node
'use strict';
// Example ts26927 conformance harness in Node.js (standard library only): speaks the
// harness protocol, version 1, over stdin/stdout (one JSON object per line; see
// docs/harness.md) and wraps the network side of generic model delivery.
//
//   node harness.js --repository CATALOG.json
//   ts26927 conformance run --target stdio:'node harness.js --repository CATALOG.json'

const readline = require('node:readline');
const { NetworkModelDelivery, Refused, loadRepository } = require('./model_delivery.js');

const PROTOCOL_VERSION = 1;
const IMPLEMENTATION = {
  name: 'ts26927-node-example',
  version: '1.0.0',
  language: 'javascript',
  capabilities: ['MODEL_DELIVERY_NETWORK'],
  homepage: '',
};

function argument(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const catalog = argument('--repository');
if (!catalog) {
  process.stderr.write('usage: node harness.js --repository CATALOG.json\n');
  process.exit(2);
}
const repository = loadRepository(catalog);
let iut = null; // the implementation for the case in progress

function send(reply) {
  process.stdout.write(`${JSON.stringify(reply)}\n`);
}

// The answer to one command; IUT refusals become `refused`, anything else `errored`.
function answer(command) {
  const { cmd, seq } = command;
  switch (cmd) {
    case 'setup':
      if (command.flow !== 'model-delivery' || command.role !== 'NETWORK') {
        return { seq, refused: { reason: `only the network side of model-delivery is offered` } };
      }
      iut = new NetworkModelDelivery(repository);
      return { seq, outputs: [] };
    case 'begin':
    case 'poll':
      return { seq, outputs: [] }; // this side only ever answers what it receives
    case 'deliver':
      if (!iut) return { seq, errored: { message: 'deliver before setup' } };
      return { seq, outputs: iut.deliver(command.step, command.message) };
    case 'teardown':
      iut = null;
      return { seq, outputs: [] };
    default:
      return { seq, errored: { message: `unknown command ${JSON.stringify(cmd)}` } };
  }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  let command;
  try {
    command = JSON.parse(line);
  } catch (error) {
    process.stderr.write(`not a JSON command: ${error.message}\n`);
    process.exit(1);
  }
  if (command.cmd === 'start') {
    send({ version: PROTOCOL_VERSION, implementation: IMPLEMENTATION });
    return;
  }
  if (command.cmd === 'stop') {
    lines.close();
    return;
  }
  try {
    send(answer(command));
  } catch (error) {
    if (error instanceof Refused) {
      send({ seq: command.seq, refused: { reason: error.message } });
    } else {
      send({ seq: command.seq, errored: { message: String(error), detail: error.stack } });
    }
  }
});
lines.on('close', () => process.exit(0));
