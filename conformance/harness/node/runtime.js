'use strict';
// Running ONNX (sub-)models with onnxruntime-node (CPU), and the few facts this harness
// reads from an ONNX file itself.

const { ELEMENT_BYTES } = require('./unit.js');

let ort = null;
let ortProblem = null;
try {
  ort = require('onnxruntime-node'); // eslint-disable-line global-require
} catch (error) {
  ortProblem = error.message.split('\n')[0];
}

// ONNX element type name -> [onnxruntime type, typed array].
const ORT_TYPES = {
  FLOAT: ['float32', Float32Array],
  DOUBLE: ['float64', Float64Array],
  FLOAT16: ['float16', Uint16Array],
  INT8: ['int8', Int8Array],
  UINT8: ['uint8', Uint8Array],
  INT16: ['int16', Int16Array],
  UINT16: ['uint16', Uint16Array],
  INT32: ['int32', Int32Array],
  UINT32: ['uint32', Uint32Array],
  INT64: ['int64', BigInt64Array],
  UINT64: ['uint64', BigUint64Array],
  BOOL: ['bool', Uint8Array],
};
const ONNX_TYPE_OF = Object.fromEntries(Object.entries(ORT_TYPES).map(([onnx, [name]]) => [name, onnx]));

// ---- a minimal protobuf walk over ModelProto's top-level fields -------------------------

function readVarint(buffer, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (at >= buffer.length) throw new Error('truncated varint');
    const byte = buffer[at];
    at += 1;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return [value, at];
    if (shift > 63) throw new Error('varint too long');
  }
}

// [{field, wire, value (varint) | start, end (bytes)}] of a protobuf message.
function fields(buffer, start = 0, end = buffer.length) {
  const out = [];
  let at = start;
  while (at < end) {
    const [key, next] = readVarint(buffer, at);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    const tagStart = at;
    at = next;
    if (wire === 0) {
      const [value, after] = readVarint(buffer, at);
      out.push({ field, wire, value, tagStart, start: at, end: after });
      at = after;
    } else if (wire === 2) {
      const [length, after] = readVarint(buffer, at);
      out.push({ field, wire, tagStart, start: after, end: after + length });
      at = after + length;
    } else if (wire === 1) {
      at += 8;
    } else if (wire === 5) {
      at += 4;
    } else {
      throw new Error(`wire type ${wire} at byte ${tagStart}`);
    }
    if (at > end) throw new Error('a field runs past the end');
  }
  return out;
}

// {irVersion, opset}: the model's IR version and its default-domain operator set.
function onnxFacts(bytes) {
  const top = fields(bytes);
  const ir = top.find((f) => f.field === 1 && f.wire === 0);
  let opset;
  for (const entry of top.filter((f) => f.field === 8 && f.wire === 2)) {
    const inner = fields(bytes, entry.start, entry.end);
    const domain = inner.find((f) => f.field === 1 && f.wire === 2);
    const version = inner.find((f) => f.field === 2 && f.wire === 0);
    if ((!domain || domain.end === domain.start) && version) opset = version.value;
  }
  return { irVersion: ir ? ir.value : undefined, opset, irField: ir };
}

// The ONNX release that introduced a default-domain opset (onnx/docs/Versioning.md).
const ONNX_RELEASE_OF_OPSET = {
  7: '1.2', 8: '1.3', 9: '1.4', 10: '1.5', 11: '1.6', 12: '1.7', 13: '1.8', 14: '1.9',
  15: '1.10', 16: '1.11', 17: '1.12', 18: '1.13', 19: '1.14', 20: '1.15', 21: '1.16',
  22: '1.17', 23: '1.18', 24: '1.19',
};

function onnxVersionFor(opset) {
  return ONNX_RELEASE_OF_OPSET[opset];
}

// A copy of `bytes` whose declared IR version is `version` (same length: a one-byte varint).
function withIrVersion(bytes, version) {
  const { irField } = onnxFacts(bytes);
  if (!irField || irField.end - irField.start !== 1 || version > 127) return null;
  const copy = Buffer.from(bytes);
  copy[irField.start] = version;
  return copy;
}

// ---- sessions -------------------------------------------------------------------------

function available() {
  return ort !== null;
}

function problem() {
  return ortProblem;
}

function version() {
  return ort ? ort.env.versions.node || ort.env.versions.common : undefined;
}

// An InferenceSession of the model in `bytes`. onnxruntime refuses a model whose declared
// IR version is newer than it knows, although nothing in it may need that version: such a
// model is retried with the newest IR version the runtime names in its refusal.
async function session(bytes, label) {
  if (!ort) throw new Error(`onnxruntime-node is not installed: ${ortProblem}`);
  try {
    return await ort.InferenceSession.create(bytes);
  } catch (error) {
    const match = /Unsupported model IR version: (\d+), max supported IR version: (\d+)/.exec(error.message);
    const lowered = match && withIrVersion(bytes, Number(match[2]));
    if (!lowered) throw error;
    process.stderr.write(`${label}: IR version ${match[1]} declared, onnxruntime takes up to ${match[2]}: loading it as ${match[2]}\n`);
    return ort.InferenceSession.create(lowered);
  }
}

function toOrt(tensor) {
  const [name, Typed] = ORT_TYPES[tensor.type] || [];
  if (!name) throw new Error(`tensor ${tensor.name}: element type ${tensor.type} is not supported`);
  const size = ELEMENT_BYTES[tensor.type];
  const copy = new ArrayBuffer(tensor.bytes.length);
  new Uint8Array(copy).set(tensor.bytes);
  return new ort.Tensor(name, new Typed(copy, 0, tensor.bytes.length / size), tensor.shape);
}

function fromOrt(name, value) {
  const type = ONNX_TYPE_OF[value.type];
  if (!type) throw new Error(`output ${name}: onnxruntime type ${value.type} is not supported`);
  const data = value.data;
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { name, type, shape: value.dims.slice(), bytes: Buffer.from(bytes) };
}

// Run `sess` on tensors ({name, type, shape, bytes}); returns its outputs the same way.
async function run(sess, tensors) {
  const feeds = {};
  for (const name of sess.inputNames) {
    const tensor = tensors.find((t) => t.name === name);
    if (!tensor) throw new Error(`the sub-model takes ${name}, which is not given`);
    feeds[name] = toOrt(tensor);
  }
  const results = await sess.run(feeds);
  return sess.outputNames.map((name) => fromOrt(name, results[name]));
}

module.exports = {
  available, problem, version, session, run, onnxFacts, onnxVersionFor, ORT_TYPES, readVarint,
};
