#!/usr/bin/env node
'use strict';
// Example ts26927 conformance harness in Node.js: speaks the harness protocol, version 1,
// over stdin/stdout (one JSON object per line; see docs/harness.md) and wraps the network
// side of generic model delivery (model_delivery.js) and of split inference
// (split_inference.js), and the UE side of adaptive model delivery (adaptive_delivery.js),
// all built from the exported fixtures folder.
//
//   ts26927 conformance fixtures export FIXTURES
//   node harness.js --fixtures FIXTURES [--network-flops 1e12]
//   ts26927 conformance run --target stdio:'node harness.js --fixtures FIXTURES'
//
// Standard library only, plus onnxruntime-node for running (sub-)models; without it the
// harness declares (and plays) model delivery alone.

const readline = require('node:readline');
const { Fixtures } = require('./fixtures.js');
const { NetworkModelDelivery, Refused, repositoryEntry } = require('./model_delivery.js');
const { NetworkSplitInference } = require('./split_inference.js');
const { UeAdaptiveDelivery } = require('./adaptive_delivery.js');
const runtime = require('./runtime.js');

const PROTOCOL_VERSION = 1;
const USAGE = 'usage: node harness.js --fixtures DIR [--network-flops FLOPS]\n';

function argument(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const folder = argument('--fixtures');
if (!folder) {
  process.stderr.write(USAGE);
  process.exit(2);
}
// The compute power of this network's AI Model Inference Engine, for its latency estimates.
const networkFlops = Number(argument('--network-flops') ?? 1e12);
if (!(networkFlops > 0)) {
  process.stderr.write(USAGE);
  process.exit(2);
}
const fixtures = new Fixtures(folder);

const capabilities = ['MODEL_DELIVERY_NETWORK'];
if (runtime.available()) {
  capabilities.push('SPLIT_INFERENCE_NETWORK', 'SPLIT_NETWORK_DECIDES', 'SPLIT_UE_DECIDES',
    'SPLIT_DATA_SOURCE_UE', 'SPLIT_DATA_SOURCE_NETWORK', 'ADAPTIVE_DELIVERY_UE');
} else {
  process.stderr.write(`onnxruntime-node is not available (${runtime.problem()}): split inference and adaptive delivery are not offered\n`);
}
const IMPLEMENTATION = {
  name: 'ts26927-node-example',
  version: '2.0.0',
  language: 'javascript',
  capabilities,
  homepage: '',
};
// (flow, role) -> the capability that offers it, and the preamble state it sets up.
const PLAYED = {
  'model-delivery NETWORK': ['MODEL_DELIVERY_NETWORK', 'model-repository'],
  'split-inference NETWORK': ['SPLIT_INFERENCE_NETWORK', 'model-repository'],
  'adaptive-model-delivery UE': ['ADAPTIVE_DELIVERY_UE', 'ue-idle'],
};

let iut = null; // the implementation for the case in progress

function send(reply) {
  process.stdout.write(`${JSON.stringify(reply)}\n`);
}

// The model the preamble names, after checking that the suite and this fixtures folder
// agree on it.
function preambleModel(state, wanted = 'model-repository') {
  if (state === null || typeof state !== 'object' || state.state !== wanted) {
    throw new Refused(`preamble state ${JSON.stringify(state && state.state)}: only ${wanted} is offered`);
  }
  const params = state.params ?? {};
  const model = fixtures.model(params.model);
  if (!model) throw new Refused(`model ${JSON.stringify(params.model)} is not in the fixtures manifest`);
  if (params.modelSha256 !== undefined && params.modelSha256 !== model.file.sha256) {
    throw new Refused(`model ${model.name}: the suite's SHA-256 ${params.modelSha256} is not the fixtures folder's `
      + `${model.file.sha256} (export the fixtures again with this suite)`);
  }
  return { model, params };
}

function setup(command) {
  const [capability, preamble] = PLAYED[`${command.flow} ${command.role}`] ?? [];
  if (!capability || !capabilities.includes(capability)) {
    const offered = (role) => Object.keys(PLAYED)
      .filter((k) => k.endsWith(` ${role}`) && capabilities.includes(PLAYED[k][0]))
      .map((k) => k.split(' ')[0]);
    const ue = offered('UE');
    throw new Refused(`only the network side of ${offered('NETWORK').join(' and ')}${ue.length ? ` and the UE side of ${ue.join(' and ')}` : ''} are offered`);
  }
  const { model, params } = preambleModel(command.state, preamble);
  if (command.flow === 'model-delivery') return new NetworkModelDelivery([repositoryEntry(fixtures, model)]);
  if (command.flow === 'adaptive-model-delivery') {
    return new UeAdaptiveDelivery({ fixtures, model, sample: params.sample ?? 0 });
  }
  return new NetworkSplitInference({
    fixtures,
    model,
    topology: params.topology ?? 'UE_SOURCE_UE_FIRST',
    sample: params.sample ?? 0,
    networkFlops,
    structure: { name: 'ONNX_RUNTIME', version: runtime.version() },
  });
}

// The answer to one command; IUT refusals become `refused`, anything else `errored`.
async function answer(command) {
  const { cmd, seq } = command;
  switch (cmd) {
    case 'setup':
      iut = null;
      iut = setup(command);
      return { seq, outputs: [] };
    case 'begin':
      return { seq, outputs: [] }; // nothing starts before the other side's first step here
    case 'poll':
      return { seq, outputs: iut && iut.poll ? await iut.poll() : [] };
    case 'deliver':
      if (!iut) return { seq, errored: { message: 'deliver before setup' } };
      return { seq, outputs: await iut.deliver(command.step, command.message, command.attachments ?? {}) };
    case 'teardown':
      iut = null;
      return { seq, outputs: [] };
    default:
      return { seq, errored: { message: `unknown command ${JSON.stringify(cmd)}` } };
  }
}

async function handle(line) {
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
    process.exit(0);
  }
  try {
    const reply = await answer(command);
    for (const output of reply.outputs ?? []) output.attachments = output.attachments ?? {};
    send(reply);
  } catch (error) {
    if (error instanceof Refused) {
      send({ seq: command.seq, refused: { reason: error.message } });
    } else {
      send({ seq: command.seq, errored: { message: String(error), detail: error.stack } });
    }
  }
}

// Commands are answered one at a time, in order (some answers wait for onnxruntime).
let queue = Promise.resolve();
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  queue = queue.then(() => handle(line));
});
lines.on('close', () => {
  queue.then(() => process.exit(0));
});
