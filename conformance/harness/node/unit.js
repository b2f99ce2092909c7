'use strict';
// The framed intermediate data unit, written from docs/reference/intermediate-data-unit.md
// alone: a 12-byte prefix ("TSID", version 1, 3 reserved zero bytes, the header length as a
// little-endian uint32), a compact UTF-8 JSON header (IntermediateDataUnitHeader), then one
// payload per tensor, each starting at the next multiple of 64 bytes from the unit's first
// byte, zero padding between, nothing after the last payload.
//
// Codec chains implemented: NONE, FLOAT16 and INT8 (precision reductions, on FLOAT and
// DOUBLE tensors). The lossless codecs (SNAPPY, LZ4, ZSTD) are not: Node 20's standard
// library has none of them, and this harness uses no other package than onnxruntime-node.
// A unit that uses one is refused as not supported.
//
// A tensor here is {name, type, shape, bytes}: `type` an ONNX element type name (FLOAT...),
// `bytes` its elements in C order, little-endian, in that type.

const MAGIC = Buffer.from('TSID', 'ascii');
const zlib = require('node:zlib');

const VERSION = 2;
const PREFIX_BYTES = 12;
const CHECKSUM_BYTES = 4; // CRC-32 (zlib's) of every byte before it, uint32 little-endian
const ALIGNMENT = 64;
const MAX_HEADER_BYTES = 1048576;
const MAX_DECODED_BYTES = 512000000;

// Bytes per element of every type a unit may carry.
const ELEMENT_BYTES = {
  FLOAT: 4, UINT8: 1, INT8: 1, UINT16: 2, INT16: 2, INT32: 4, INT64: 8, BOOL: 1,
  FLOAT16: 2, DOUBLE: 8, UINT32: 4, UINT64: 8, COMPLEX64: 8, COMPLEX128: 16,
};
const PRECISION = ['FLOAT16', 'INT8'];
const LOSSLESS = ['SNAPPY', 'LZ4', 'ZSTD'];
const KNOWN = ['NONE', 'FC_VCM', ...PRECISION, ...LOSSLESS];
const REDUCIBLE = ['FLOAT', 'DOUBLE', 'FLOAT16'];
// The chains this implementation encodes and decodes.
const IMPLEMENTED_CHAINS = ['NONE', 'FLOAT16', 'INT8'];

class UnitError extends Error {}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function elementCount(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

// ---- numbers -------------------------------------------------------------------------

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

// IEEE 754 binary32 -> binary16 bits, rounding to nearest, ties to even.
function toHalf(value) {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1))) half += 1;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half += 1;
  return sign | half;
}

// binary16 bits -> the number (exact).
function fromHalf(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

// A DOUBLE rounded once to binary16 (not through binary32): round the binary64 value to 11
// significant bits (or the subnormal step), to nearest with ties to even.
function doubleToHalf(value) {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude === Infinity) return sign | 0x7c00;
  if (magnitude === 0) return sign;
  let e = Math.floor(Math.log2(magnitude));
  if (2 ** e > magnitude) e -= 1;
  if (2 ** (e + 1) <= magnitude) e += 1;
  const step = 2 ** (Math.max(e, -14) - 10);
  const rounded = roundHalfEven(magnitude / step) * step;
  if (rounded >= 65520) return sign | 0x7c00;
  if (rounded === 0) return sign;
  let re = Math.floor(Math.log2(rounded));
  if (2 ** re > rounded) re -= 1;
  if (re < -14) return sign | (rounded / 2 ** -24);
  return sign | ((re + 15) << 10) | (rounded / 2 ** re * 1024 - 1024);
}

// Round to the nearest integer, ties to even (numpy.rint, Python's round()).
function roundHalfEven(value) {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

// ---- tensors ---------------------------------------------------------------------------

function floatsOf(tensor) {
  const count = elementCount(tensor.shape);
  const out = tensor.type === 'DOUBLE' ? new Float64Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i += 1) {
    out[i] = tensor.type === 'DOUBLE' ? tensor.bytes.readDoubleLE(i * 8) : tensor.bytes.readFloatLE(i * 4);
  }
  return out;
}

function bytesOfFloats(values, type) {
  const size = type === 'DOUBLE' ? 8 : 4;
  const out = Buffer.alloc(values.length * size);
  for (let i = 0; i < values.length; i += 1) {
    if (type === 'DOUBLE') out.writeDoubleLE(values[i], i * 8);
    else out.writeFloatLE(values[i], i * 4);
  }
  return out;
}

// The chain as applied to one tensor (the payload's compressionAlgorithms).
function payloadChain(chain, type) {
  const applied = chain.filter((a) => a !== 'NONE' && !(PRECISION.includes(a)
    && (!REDUCIBLE.includes(type) || (a === 'FLOAT16' && type === 'FLOAT16'))));
  return applied.length ? applied : ['NONE'];
}

function chainProblem(chain) {
  if (!Array.isArray(chain) || chain.length < 1) return 'a codec chain is a non-empty list';
  if (chain.includes('NONE')) return chain.length === 1 ? null : 'NONE stands alone';
  const precision = chain.filter((a) => PRECISION.includes(a));
  const lossless = chain.filter((a) => LOSSLESS.includes(a));
  const other = chain.filter((a) => !PRECISION.includes(a) && !LOSSLESS.includes(a));
  if (other.length) return null; // FC_VCM or an extension: well-formed enough to name
  if (precision.length > 1 || lossless.length > 1) return 'at most one precision reduction and one lossless codec';
  if (precision.length && lossless.length && chain.indexOf(precision[0]) > chain.indexOf(lossless[0])) {
    return 'the precision reduction comes before the lossless codec';
  }
  return null;
}

// INT8 encoding exactly as the page describes encode_unit's.
function int8Encode(values, type) {
  const working = type === 'DOUBLE' ? (v) => v : Math.fround;
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) throw new UnitError('INT8: the tensor holds an infinity or a NaN');
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi === lo ? 1.0 : (hi - lo) / 255;
  const zeroPoint = Math.min(127, Math.max(-128, roundHalfEven(-128 - lo / scale)));
  const reciprocal = working(1 / scale);
  const q = Buffer.alloc(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const scaled = roundHalfEven(working(working(values[i]) * reciprocal)) + zeroPoint;
    q.writeInt8(Math.min(127, Math.max(-128, scaled)), i);
  }
  return { bytes: q, quantization: { scale, zeroPoint } };
}

function int8Decode(bytes, quantization, type) {
  const t = type === 'DOUBLE' ? (v) => v : Math.fround;
  const scale = t(quantization.scale);
  const values = type === 'DOUBLE' ? new Float64Array(bytes.length) : new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 1) {
    values[i] = t(t(bytes.readInt8(i) - quantization.zeroPoint) * scale);
  }
  return values;
}

// One tensor through its payload chain: {payload, description}.
function encodeTensor(tensor, chain) {
  const applied = payloadChain(chain, tensor.type);
  const count = elementCount(tensor.shape);
  const description = { name: tensor.name, compressionAlgorithms: applied };
  let payload = tensor.bytes;
  let encoded = tensor.type;
  if (applied.includes('FLOAT16')) {
    const values = floatsOf(tensor);
    payload = Buffer.alloc(count * 2);
    for (let i = 0; i < count; i += 1) {
      const v = values[i];
      if (Number.isFinite(v) && Math.abs(v) >= 65520) {
        throw new UnitError(`FLOAT16: ${tensor.name} holds ${v}, beyond binary16`);
      }
      payload.writeUInt16LE(tensor.type === 'DOUBLE' ? doubleToHalf(v) : toHalf(v), i * 2);
    }
    encoded = 'FLOAT16';
  } else if (applied.includes('INT8')) {
    if (tensor.type === 'FLOAT16') throw new UnitError('INT8 on a FLOAT16 tensor is not implemented here');
    const { bytes, quantization } = int8Encode(floatsOf(tensor), tensor.type);
    payload = bytes;
    encoded = 'INT8';
    description.quantization = quantization;
  }
  if (applied.some((a) => LOSSLESS.includes(a) || a === 'FC_VCM')) {
    throw new UnitError(`chain ${applied.join('+')} is not implemented here`);
  }
  description.encodedElementDataType = encoded;
  // property order as the engine formats page lists them
  const ordered = {
    name: description.name,
    compressionAlgorithms: description.compressionAlgorithms,
    encodedElementDataType: description.encodedElementDataType,
  };
  if (description.quantization) ordered.quantization = description.quantization;
  ordered.rawLength = payload.length;
  ordered.payloadLength = payload.length;
  return { payload, description: ordered };
}

// A unit of `tensors` (in the order of information.tensors) with `chain`.
function encodeUnit({ splitPointInformation, information, tensors, chain }) {
  if (chainProblem(chain)) throw new UnitError(chainProblem(chain));
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const encoded = information.tensors.map((described) => {
    const tensor = byName.get(described.name);
    if (!tensor) throw new UnitError(`no values for tensor ${described.name}`);
    return encodeTensor(tensor, chain);
  });
  const header = {};
  if (splitPointInformation) header.splitPointInformation = splitPointInformation;
  header.intermediateDataInformation = { ...information, compressionAlgorithms: chain };
  header.payloads = encoded.map((e) => e.description);
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const parts = [];
  const prefix = Buffer.alloc(PREFIX_BYTES);
  MAGIC.copy(prefix, 0);
  prefix[4] = VERSION;
  prefix.writeUInt32LE(json.length, 8);
  parts.push(prefix, json);
  let position = PREFIX_BYTES + json.length;
  for (const { payload } of encoded) {
    const padding = (ALIGNMENT - (position % ALIGNMENT)) % ALIGNMENT;
    parts.push(Buffer.alloc(padding), payload);
    position += padding + payload.length;
  }
  const body = Buffer.concat(parts, position);
  const checksum = Buffer.alloc(CHECKSUM_BYTES);
  checksum.writeUInt32LE(zlib.crc32(body), 0);
  return Buffer.concat([body, checksum]);
}

// ---- decoding --------------------------------------------------------------------------

function strictKeys(object, allowed, required, where) {
  if (!isObject(object)) throw new UnitError(`${where} must be an object`);
  const extra = Object.keys(object).filter((k) => !allowed.includes(k));
  if (extra.length) throw new UnitError(`${where}: unknown properties ${extra.join(', ')}`);
  const missing = required.filter((k) => !(k in object));
  if (missing.length) throw new UnitError(`${where}: missing ${missing.join(', ')}`);
  for (const key of Object.keys(object)) {
    if (object[key] === null) throw new UnitError(`${where}/${key} is null`);
  }
}

function isInteger(value, min = -Infinity, max = Infinity) {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function isText(value, min = 1) {
  return typeof value === 'string' && value.length >= min;
}

function checkInformation(info) {
  const where = '/intermediateDataInformation';
  strictKeys(info, ['tensorStructureInformation', 'tensors', 'dataDirection', 'compressionAlgorithms'],
    ['tensorStructureInformation', 'tensors', 'dataDirection'], where);
  strictKeys(info.tensorStructureInformation, ['name', 'version'], ['name', 'version'],
    `${where}/tensorStructureInformation`);
  if (!isText(info.tensorStructureInformation.name) || typeof info.tensorStructureInformation.version !== 'string') {
    throw new UnitError(`${where}/tensorStructureInformation: name and version are strings`);
  }
  if (!['UPSTREAM', 'DOWNSTREAM'].includes(info.dataDirection)) {
    throw new UnitError(`${where}/dataDirection: ${JSON.stringify(info.dataDirection)}`);
  }
  if (!Array.isArray(info.tensors) || info.tensors.length < 1 || info.tensors.length > 1024) {
    throw new UnitError(`${where}/tensors: 1 to 1024 tensors`);
  }
  info.tensors.forEach((t, i) => {
    const at = `${where}/tensors/${i}`;
    strictKeys(t, ['name', 'tensorShape', 'tensorElementDataType'], ['name', 'tensorShape', 'tensorElementDataType'], at);
    if (!isText(t.name) || t.name.length > 256) throw new UnitError(`${at}/name: 1 to 256 characters`);
    if (!Array.isArray(t.tensorShape) || t.tensorShape.length > 32 || !t.tensorShape.every((d) => isInteger(d, 1))) {
      throw new UnitError(`${at}/tensorShape: at most 32 dimensions, each an integer >= 1`);
    }
    if (typeof t.tensorElementDataType !== 'string') throw new UnitError(`${at}/tensorElementDataType`);
  });
  if (new Set(info.tensors.map((t) => t.name)).size !== info.tensors.length) {
    throw new UnitError(`${where}/tensors: names are not unique`);
  }
  if ('compressionAlgorithms' in info) {
    const chain = info.compressionAlgorithms;
    if (!Array.isArray(chain) || chain.length < 1 || chain.length > 32 || !chain.every((a) => isText(a))) {
      throw new UnitError(`${where}/compressionAlgorithms: 1 to 32 names`);
    }
  }
}

function checkPayload(payload, tensor, unitChain, i) {
  const at = `/payloads/${i}`;
  strictKeys(payload, ['name', 'compressionAlgorithms', 'encodedElementDataType', 'quantization', 'rawLength', 'payloadLength'],
    ['name', 'compressionAlgorithms', 'encodedElementDataType', 'rawLength', 'payloadLength'], at);
  if (payload.name !== tensor.name) {
    throw new UnitError(`${at}/name: ${JSON.stringify(payload.name)}, the tensor is ${JSON.stringify(tensor.name)}`);
  }
  const chain = payload.compressionAlgorithms;
  if (!Array.isArray(chain) || chain.length < 1 || chain.length > 4 || !chain.every((a) => isText(a))) {
    throw new UnitError(`${at}/compressionAlgorithms: 1 to 4 names`);
  }
  const problem = chainProblem(chain);
  if (problem) throw new UnitError(`${at}/compressionAlgorithms: ${problem}`);
  // NONE (nothing applied) needs no declaration: under the unit chain INT8, an INT64
  // tensor's payload chain is NONE (the page's worked example)
  const undeclared = chain.filter((a) => a !== 'NONE' && !unitChain.includes(a));
  if (undeclared.length) {
    throw new UnitError(`${at}: ${undeclared.join(', ')} not in the unit's chain ${unitChain.join('+')}`);
  }
  const reduction = chain.find((a) => PRECISION.includes(a));
  const type = tensor.tensorElementDataType;
  if (reduction && !REDUCIBLE.includes(type)) {
    throw new UnitError(`${at}: ${reduction} on a ${type} tensor`);
  }
  const expected = reduction || type;
  if (payload.encodedElementDataType !== expected) {
    throw new UnitError(`${at}/encodedElementDataType: ${payload.encodedElementDataType}, expected ${expected}`);
  }
  const int8 = chain.includes('INT8');
  if (int8 !== ('quantization' in payload)) {
    throw new UnitError(`${at}/quantization: present exactly with INT8`);
  }
  if (int8) {
    strictKeys(payload.quantization, ['scale', 'zeroPoint'], ['scale', 'zeroPoint'], `${at}/quantization`);
    const { scale, zeroPoint } = payload.quantization;
    if (typeof scale !== 'number' || !Number.isFinite(scale) || !(scale > 0)) {
      throw new UnitError(`${at}/quantization/scale: a finite number > 0`);
    }
    if (!isInteger(zeroPoint, -128, 127)) throw new UnitError(`${at}/quantization/zeroPoint: -128 to 127`);
  }
  if (!isInteger(payload.rawLength, 0) || !isInteger(payload.payloadLength, 0)) {
    throw new UnitError(`${at}: rawLength and payloadLength are integers >= 0`);
  }
  const size = ELEMENT_BYTES[expected];
  if (size !== undefined && payload.rawLength !== elementCount(tensor.tensorShape) * size) {
    throw new UnitError(`${at}/rawLength: ${payload.rawLength}, the shape in ${expected} is ${elementCount(tensor.tensorShape) * size} bytes`);
  }
  if (!chain.some((a) => LOSSLESS.includes(a)) && payload.payloadLength !== payload.rawLength) {
    throw new UnitError(`${at}: payloadLength ${payload.payloadLength} differs from rawLength ${payload.rawLength} without a lossless codec`);
  }
}

// {header, tensors: [{name, type, shape, bytes}]}; throws UnitError on any fault.
function decodeUnit(received) {
  if (!Buffer.isBuffer(received) || received.length < PREFIX_BYTES + CHECKSUM_BYTES) {
    throw new UnitError('shorter than the 12-byte prefix and the 4-byte checksum');
  }
  if (!received.subarray(0, 4).equals(MAGIC)) throw new UnitError('the magic is not TSID');
  if (received[4] !== VERSION) throw new UnitError(`format version ${received[4]}, not ${VERSION}`);
  if (received[5] || received[6] || received[7]) throw new UnitError('the reserved bytes are not zero');
  const unit = received.subarray(0, received.length - CHECKSUM_BYTES);
  if (zlib.crc32(unit) !== received.readUInt32LE(unit.length)) {
    throw new UnitError('the CRC-32 does not match: the unit was altered or truncated in transit');
  }
  const headerLength = unit.readUInt32LE(8);
  if (headerLength > MAX_HEADER_BYTES) throw new UnitError(`a header of ${headerLength} bytes is over the limit`);
  if (PREFIX_BYTES + headerLength > unit.length) {
    throw new UnitError(`the header needs bytes 12..${12 + headerLength}, the unit has ${unit.length}`);
  }
  let header;
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
      .decode(unit.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength));
    if (text.charCodeAt(0) === 0xfeff) throw new Error('a byte order mark');
    header = JSON.parse(text);
  } catch (error) {
    throw new UnitError(`the header is not UTF-8 JSON: ${error.message}`);
  }
  strictKeys(header, ['splitPointInformation', 'intermediateDataInformation', 'payloads'],
    ['intermediateDataInformation', 'payloads'], 'header');
  checkInformation(header.intermediateDataInformation);
  const info = header.intermediateDataInformation;
  const unitChain = info.compressionAlgorithms || ['NONE'];
  if (!Array.isArray(header.payloads) || header.payloads.length !== info.tensors.length) {
    throw new UnitError('payloads do not list the tensors');
  }
  header.payloads.forEach((p, i) => checkPayload(p, info.tensors[i], unitChain, i));
  let decodedBytes = 0;
  header.payloads.forEach((p, i) => {
    const tensor = info.tensors[i];
    const unsupported = p.compressionAlgorithms.filter((a) => !['NONE', ...PRECISION].includes(a));
    if (unsupported.length) {
      throw new UnitError(`payload ${i} (${p.name}): ${unsupported.join('+')} is not supported by this implementation`);
    }
    const size = ELEMENT_BYTES[tensor.tensorElementDataType];
    if (size === undefined) throw new UnitError(`payload ${i}: element type ${tensor.tensorElementDataType} is not carried`);
    decodedBytes += elementCount(tensor.tensorShape) * size + p.rawLength;
  });
  if (decodedBytes > MAX_DECODED_BYTES) throw new UnitError(`${decodedBytes} decoded bytes are over the limit`);
  let position = PREFIX_BYTES + headerLength;
  const tensors = [];
  header.payloads.forEach((p, i) => {
    const start = position + ((ALIGNMENT - (position % ALIGNMENT)) % ALIGNMENT);
    const end = start + p.payloadLength;
    if (end > unit.length) {
      throw new UnitError(`payload ${i} (${p.name}) needs bytes ${start}..${end}, the unit has ${unit.length}`);
    }
    for (let b = position; b < start; b += 1) {
      if (unit[b] !== 0) throw new UnitError(`padding byte ${b} is not zero`);
    }
    const payload = unit.subarray(start, end);
    const described = info.tensors[i];
    const type = described.tensorElementDataType;
    let bytes;
    if (p.compressionAlgorithms.includes('INT8')) {
      if (type === 'FLOAT16') throw new UnitError('INT8 on a FLOAT16 tensor is not supported by this implementation');
      bytes = bytesOfFloats(int8Decode(payload, p.quantization, type), type);
    } else if (p.compressionAlgorithms.includes('FLOAT16') && type !== 'FLOAT16') {
      const count = elementCount(described.tensorShape);
      const values = type === 'DOUBLE' ? new Float64Array(count) : new Float32Array(count);
      for (let k = 0; k < count; k += 1) values[k] = fromHalf(payload.readUInt16LE(k * 2));
      bytes = bytesOfFloats(values, type);
    } else {
      bytes = Buffer.from(payload);
    }
    tensors.push({ name: described.name, type, shape: described.tensorShape.slice(), bytes });
    position = end;
  });
  if (position !== unit.length) throw new UnitError(`${unit.length - position} bytes follow the last payload`);
  return { header, tensors };
}

module.exports = {
  UnitError, encodeUnit, decodeUnit, payloadChain, chainProblem, floatsOf, bytesOfFloats,
  elementCount, ELEMENT_BYTES, IMPLEMENTED_CHAINS, toHalf, fromHalf,
};
