'use strict';
// The UE side of adaptive model delivery (TR 26.927 clause 5.2.2.2.2, Figure 5.2.1.2-2),
// from the manifest and the package format alone (docs/harness.md, "The adaptive model
// package"): the UE Application reads the manifest (1), selects the lowest-precision
// adaptive base that fits its memory (2) and requests it (3); the AI Model Access Function
// sets up a delivery session (5) and verifies every package it receives (6) — the
// announced size and SHA-256, the manifest's SHA-256, then the package itself — before the
// inference engine takes it (7) or applies it (12, the rebuilt model as the `model`
// attachment). The inference loop (8-10) runs the model at its level on the UE's media
// sample with onnxruntime-node (the output as an `output` .npy); the UE Application then
// requests the next precision level (11) until the model is complete. A package that does
// not verify is refused and the model held stays as it was.
//
// Sections and headers must be stored uncompressed (NONE): Node 20's standard library has
// no zstd, so a ZSTD section is refused with that reason.

const crypto = require('node:crypto');
const { Refused, isObject, requireString } = require('./model_delivery.js');
const { writeNpyFloat32 } = require('./npy.js');
const runtime = require('./runtime.js');

const { readVarint } = runtime; // the protobuf varint reader the ONNX walk uses too

const PACKAGE_FORMAT = { name: 'TS26927_ADAPTIVE_PACKAGE', version: '1' };
const MAGIC = 'TS26927P';
const DEPTHS = { INT4: 4, INT8: 8, INT16: 16 };
const ORDER = ['INT4', 'INT8', 'INT16', 'FLOAT16', 'FLOAT32'];
const MEMORY_MB = 100; // what this UE's inference engine has for a model
const BYTES_PER_MB = 1e6;

function sha256(bytes) {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

// ---- protobuf: just enough to find the refined tensors and give them their data ---------

function varint(value) {
  const bytes = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

// The fields of a message: [{field, wire, value?, start, end, raw}] where raw is the whole
// field (tag included) and start..end its payload (a varint's value, or a length-delimited
// field's bytes).
function fields(buffer) {
  const out = [];
  let at = 0;
  while (at < buffer.length) {
    const tagStart = at;
    const [key, next] = readVarint(buffer, at);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    at = next;
    let item;
    if (wire === 0) {
      const [value, after] = readVarint(buffer, at);
      item = { field, wire, value, start: at, end: after };
    } else if (wire === 2) {
      const [length, after] = readVarint(buffer, at);
      item = { field, wire, start: after, end: after + length };
    } else if (wire === 1) {
      item = { field, wire, start: at, end: at + 8 };
    } else if (wire === 5) {
      item = { field, wire, start: at, end: at + 4 };
    } else {
      throw new Error(`wire type ${wire} at byte ${tagStart}`);
    }
    if (item.end > buffer.length) throw new Error('a field runs past the end');
    item.raw = buffer.subarray(tagStart, item.end);
    item.payload = buffer.subarray(item.start, item.end);
    out.push(item);
    at = item.end;
  }
  return out;
}

function lengthDelimited(field, payload) {
  return Buffer.concat([varint(field * 8 + 2), varint(payload.length), payload]);
}

// TensorProto facts: dims (1, plain or packed), data_type (2), data_location (14), and
// whether it already holds data (float_data 4, raw_data 9, external_data 13).
function tensorFacts(bytes) {
  const dims = [];
  let dataType = 0;
  let location = 0;
  let holdsData = false;
  for (const f of fields(bytes)) {
    if (f.field === 1 && f.wire === 0) dims.push(f.value);
    if (f.field === 1 && f.wire === 2) {
      let at = 0;
      while (at < f.payload.length) {
        const [value, next] = readVarint(f.payload, at);
        dims.push(value);
        at = next;
      }
    }
    if (f.field === 2 && f.wire === 0) dataType = f.value;
    if (f.field === 14 && f.wire === 0) location = f.value;
    if ([4, 9, 13].includes(f.field)) holdsData = true;
  }
  return { dims, dataType, location, holdsData };
}

const FLOAT = 1;
const EXTERNAL = 1;

// The refined tensors of a model: the main graph's (ModelProto field 7) float32
// initializers (GraphProto field 5) of two or more elements, not external, in graph order.
function refinedTensors(model) {
  const graph = fields(model).find((f) => f.field === 7 && f.wire === 2);
  if (!graph) throw new Error('the skeleton has no graph');
  return fields(graph.payload)
    .filter((f) => f.field === 5 && f.wire === 2)
    .map((f) => tensorFacts(f.payload))
    .filter((t) => t.dataType === FLOAT && t.location !== EXTERNAL
      && t.dims.reduce((a, b) => a * b, 1) >= 2);
}

// The model file: the skeleton with `weights` (Float32Array) as the raw_data (field 9) of
// its refined tensors, each field where protobuf writes it (in field-number order).
function rebuild(skeleton, weights, bounds) {
  let index = 0;
  const withData = (tensor) => {
    const facts = tensorFacts(tensor);
    const count = facts.dims.reduce((a, b) => a * b, 1);
    if (facts.dataType !== FLOAT || facts.location === EXTERNAL || count < 2) return tensor;
    const values = weights.subarray(bounds[index], bounds[index + 1]);
    index += 1;
    const raw = Buffer.alloc(values.length * 4);
    for (let i = 0; i < values.length; i += 1) raw.writeFloatLE(values[i], 4 * i);
    const parts = fields(tensor);
    const before = parts.filter((f) => f.field < 9).map((f) => f.raw);
    const after = parts.filter((f) => f.field > 9).map((f) => f.raw);
    return Buffer.concat([...before, lengthDelimited(9, raw), ...after]);
  };
  const top = fields(skeleton).map((f) => {
    if (!(f.field === 7 && f.wire === 2)) return f.raw;
    const graph = fields(f.payload).map((g) => (g.field === 5 && g.wire === 2
      ? lengthDelimited(5, withData(g.payload)) : g.raw));
    return lengthDelimited(7, Buffer.concat(graph));
  });
  return Buffer.concat(top);
}

// ---- the package ------------------------------------------------------------------------

class PackageRefused extends Error {}

function readPackage(data) {
  if (data.length < 16 || data.toString('latin1', 0, 8) !== MAGIC) {
    throw new PackageRefused('not an adaptive model package (magic)');
  }
  const stored = data.readUInt32LE(8);
  const decoded = data.readUInt32LE(12);
  if (stored !== decoded) throw new PackageRefused('its header is zstd-compressed, which this UE does not decode');
  if (16 + stored > data.length) throw new PackageRefused('the header is truncated');
  let header;
  try {
    header = JSON.parse(data.toString('utf8', 16, 16 + stored));
  } catch (error) {
    throw new PackageRefused(`the header is not JSON (${error.message})`);
  }
  if (!isObject(header) || header.formatVersion !== 1 || !Array.isArray(header.sections)) {
    throw new PackageRefused('the header is not a version 1 package header');
  }
  const sections = new Map();
  let at = 16 + stored;
  for (const s of header.sections) {
    const key = `${s.kind}/${s.plane}`;
    if (s.compression !== 'NONE') throw new PackageRefused(`section ${key} is ${s.compression}-compressed, which this UE does not decode`);
    if (!Number.isSafeInteger(s.length) || s.length !== s.rawLength) throw new PackageRefused(`section ${key}: length ${s.length}, rawLength ${s.rawLength}`);
    if (sections.has(key)) throw new PackageRefused(`section ${key} is listed twice`);
    if (at + s.length > data.length) throw new PackageRefused(`section ${key} is truncated`);
    sections.set(key, data.subarray(at, at + s.length));
    at += s.length;
  }
  if (at !== data.length) throw new PackageRefused(`${data.length - at} bytes follow the last section`);
  return { header, sections };
}

// The sections a level must have, with their sizes (null: any), as the chain decides.
function layout(chain, level, elements, exceptions) {
  const planes = (kind, bits) => Object.fromEntries(
    Array.from({ length: bits <= 8 ? 1 : 2 }, (_, p) => [`${kind}/${p}`, elements]));
  const last = chain.length - 1;
  if (level === 0) {
    return { 'SKELETON/0': null, ...planes('CODES', DEPTHS[chain[0]]), ...(exceptions ? { 'EXCEPTIONS/0': 8 * exceptions } : {}) };
  }
  if (level === last) return Object.fromEntries([0, 1, 2, 3].map((p) => [`EXACT/${p}`, elements]));
  return planes('RESIDUAL', DEPTHS[chain[level]] - DEPTHS[chain[level - 1]]);
}

function checkLayout(sections, wanted) {
  const have = [...sections.keys()].sort();
  const want = Object.keys(wanted).sort();
  if (have.join() !== want.join()) throw new PackageRefused(`it holds sections ${have.join(', ')}; its level needs ${want.join(', ')}`);
  for (const [key, size] of Object.entries(wanted)) {
    if (size !== null && sections.get(key).length !== size) throw new PackageRefused(`section ${key} holds ${sections.get(key).length} bytes, ${size} expected`);
  }
}

// Signed values of `bits` bits from their little-endian byte planes.
function values(sections, kind, bits, count) {
  const out = new Int32Array(count);
  if (bits <= 8) {
    const plane = sections.get(`${kind}/0`);
    for (let i = 0; i < count; i += 1) out[i] = (plane[i] << 24) >> 24;
  } else {
    const low = sections.get(`${kind}/0`);
    const high = sections.get(`${kind}/1`);
    for (let i = 0; i < count; i += 1) out[i] = (((high[i] << 8) | low[i]) << 16) >> 16;
  }
  return out;
}

// Unsigned integers that sort like the float32 values (bits as uint32), and back.
function orderedKey(bits) {
  return ((((bits | 0) >> 31) | 0x80000000) ^ bits) >>> 0;
}
function fromOrderedKey(key) {
  return ((((~key) >> 31) | 0x80000000) ^ key) >>> 0;
}

// An adaptive model on the UE at the level of the last package applied.
class Progressive {
  constructor(data, model) {
    const { header, sections } = readPackage(data);
    const { chain, steps, elements } = header;
    if (header.level !== 0 || !Array.isArray(chain) || !Array.isArray(steps)) throw new PackageRefused('it is not a base package (level 0, chain, steps)');
    if (header.modelIdentifier !== model) throw new PackageRefused(`it is for model ${JSON.stringify(header.modelIdentifier)}, not ${model}`);
    if (chain.length < 2 || chain[chain.length - 1] !== 'FLOAT32' || !chain.slice(0, -1).every((p, i) => DEPTHS[p] && (i === 0 || DEPTHS[p] > DEPTHS[chain[i - 1]]))) {
      throw new PackageRefused(`chain ${chain.join(', ')} is not integer levels of increasing depth then FLOAT32`);
    }
    const exceptions = header.exceptions || 0;
    checkLayout(sections, layout(chain, 0, elements, exceptions));
    this.skeleton = Buffer.from(sections.get('SKELETON/0'));
    const tensors = refinedTensors(this.skeleton);
    if (tensors.some((t) => t.holdsData)) throw new PackageRefused('a refined tensor of the skeleton already holds data');
    if (tensors.length !== steps.length) throw new PackageRefused(`${steps.length} steps for ${tensors.length} refined tensors`);
    this.bounds = [0];
    for (const t of tensors) this.bounds.push(this.bounds[this.bounds.length - 1] + t.dims.reduce((a, b) => a * b, 1));
    if (this.bounds[this.bounds.length - 1] !== elements) throw new PackageRefused(`the refined tensors hold ${this.bounds[this.bounds.length - 1]} weights, not ${elements}`);
    const bits = new Uint32Array(steps);
    this.steps = new Float32Array(bits.buffer);
    if (!this.steps.every((s) => Number.isFinite(s) && s > 0)) throw new PackageRefused('a quantization step is not a positive finite float32');
    this.header = header;
    this.model = model;
    this.codes = values(sections, 'CODES', DEPTHS[chain[0]], elements);
    const packed = exceptions ? sections.get('EXCEPTIONS/0') : Buffer.alloc(0);
    this.exceptionAt = Array.from({ length: exceptions }, (_, i) => packed.readUInt32LE(4 * i));
    this.exceptionBits = Array.from({ length: exceptions }, (_, i) => packed.readUInt32LE(4 * (exceptions + i)));
    if (this.exceptionAt.some((i) => i >= elements)) throw new PackageRefused('an exception lies past the last weight');
    this.exact = null;
    this.level = 0;
    this.digest = sha256(data);
  }

  get complete() {
    return this.level === this.header.chain.length - 1;
  }

  // The refined weights at the current level: float32(code * 2^shift) * step, rounded to
  // float32 (both operands are float32, so the double product is exact before rounding).
  weights() {
    if (this.exact) return this.exact;
    const { chain } = this.header;
    const top = DEPTHS[chain[chain.length - 2]];
    const scale = 2 ** (top - DEPTHS[chain[this.level]]);
    const out = new Float32Array(this.codes.length);
    for (let t = 0; t < this.steps.length; t += 1) {
      for (let i = this.bounds[t]; i < this.bounds[t + 1]; i += 1) {
        out[i] = Math.fround(Math.fround(this.codes[i] * scale) * this.steps[t]);
      }
    }
    const asBits = new Uint32Array(out.buffer);
    this.exceptionAt.forEach((at, k) => { asBits[at] = this.exceptionBits[k]; });
    return out;
  }

  // The next level's package applied to a copy, which is returned (this one is untouched).
  applied(data) {
    const { header, sections } = readPackage(data);
    const mine = this.header;
    const wanted = this.level + 1;
    if (header.modelIdentifier !== mine.modelIdentifier) throw new PackageRefused(`it is for model ${JSON.stringify(header.modelIdentifier)}`);
    if (this.complete) throw new PackageRefused('the model is already at its exact level');
    if (header.level !== wanted) throw new PackageRefused(`it is level ${header.level}; the next level is ${wanted}`);
    if (header.parentSha256 !== this.digest) throw new PackageRefused(`it updates package ${header.parentSha256}, not the one held (${this.digest})`);
    if (header.elements !== mine.elements) throw new PackageRefused(`it refines ${header.elements} weights, the base ${mine.elements}`);
    checkLayout(sections, layout(mine.chain, wanted, mine.elements, 0));
    const next = Object.assign(Object.create(Progressive.prototype), this);
    if (wanted === mine.chain.length - 1) {
      const approximation = new Uint32Array(this.weights().buffer.slice(0));
      const planes = [0, 1, 2, 3].map((p) => sections.get(`EXACT/${p}`));
      const exact = new Uint32Array(approximation.length);
      for (let i = 0; i < exact.length; i += 1) {
        const zigzag = (planes[0][i] | (planes[1][i] << 8) | (planes[2][i] << 16) | (planes[3][i] << 24)) >>> 0;
        const distance = ((zigzag >>> 1) ^ -(zigzag & 1)) >>> 0;
        exact[i] = fromOrderedKey((orderedKey(approximation[i]) + distance) >>> 0);
      }
      next.exact = new Float32Array(exact.buffer);
    } else {
      const added = DEPTHS[mine.chain[wanted]] - DEPTHS[mine.chain[wanted - 1]];
      const residual = values(sections, 'RESIDUAL', added, mine.elements);
      next.codes = this.codes.map((c, i) => (c << added) + residual[i]);
    }
    next.level = wanted;
    next.digest = sha256(data);
    return next;
  }

  // The ONNX model file at the current level; at the last level it must be the target.
  toBytes() {
    const bytes = rebuild(this.skeleton, this.weights(), this.bounds);
    if (this.complete && sha256(bytes) !== this.header.targetSha256) {
      throw new PackageRefused(`the rebuilt model's SHA-256 ${sha256(bytes)} is not the target ${this.header.targetSha256}`);
    }
    return bytes;
  }
}

// ---- the UE ---------------------------------------------------------------------------

class UeAdaptiveDelivery {
  constructor({ fixtures, model, sample }) {
    this.fixtures = fixtures;
    this.model = model; // the fixtures manifest's entry: the UE's media is its inputs
    this.sample = sample;
    this.entry = null;
    this.pending = null; // the variant requested and not yet received
    this.held = null; // the variant last taken
    this.progressive = null;
    this.sessions = 0;
  }

  async deliver(step, message, attachments) {
    if (step === '1') {
      if (this.entry) throw new Refused('step 1 is out of order: the manifest was already received');
      return this.manifest(message);
    }
    if (step === '6') {
      if (!this.pending) throw new Refused('step 6 is out of order: no package was requested');
      return this.receive(message, attachments);
    }
    throw new Refused(`step ${step} is not one the UE side receives in 5.2.2.2.2`);
  }

  manifest(message) {
    const where = 'step 1 (ModelManifest)';
    if (!isObject(message) || !Array.isArray(message.models)) throw new Refused(`${where}: models must be a list`);
    requireString(message, 'manifestId', where);
    const name = this.model.name;
    const entry = message.models.find((m) => isObject(m) && isObject(m.aiModelInformation)
      && m.aiModelInformation.modelIdentifier === name);
    if (!entry || entry.adaptive !== true || !Array.isArray(entry.variants)) {
      throw new Refused(`${where}: no adaptive model ${name} is listed`);
    }
    for (const v of entry.variants) {
      if (!isObject(v)) throw new Refused(`${where}: a variant is not an object`);
      requireString(v, 'variantIdentifier', where);
      if (typeof v.modelSize !== 'number' || !ORDER.includes(v.precision)) throw new Refused(`${where}: variant ${v.variantIdentifier} needs a modelSize and a precision`);
    }
    // 2: the lowest-precision base in the package format, heading updates, that fits.
    const bases = entry.variants.filter((v) => v.updateOf === undefined
      && isObject(v.dataFormat) && v.dataFormat.name === PACKAGE_FORMAT.name
      && v.dataFormat.version === PACKAGE_FORMAT.version
      && entry.variants.some((u) => u.updateOf === v.variantIdentifier)
      && v.modelSize <= MEMORY_MB);
    bases.sort((a, b) => ORDER.indexOf(a.precision) - ORDER.indexOf(b.precision));
    if (!bases.length) throw new Refused(`${where}: no adaptive base of ${name} fits ${MEMORY_MB} MB`);
    this.entry = entry;
    this.pending = bases[0];
    return [
      { step: '2', message: null },
      { step: '3', message: { modelIdentifier: name, variantIdentifier: bases[0].variantIdentifier } },
      this.session(),
    ];
  }

  session() {
    this.sessions += 1;
    return {
      step: '5',
      message: {
        deliverySessionId: `node-delivery-${this.sessions}`,
        modelIdentifier: this.model.name,
        variantIdentifier: this.pending.variantIdentifier,
      },
    };
  }

  async receive(message, attachments) {
    const where = 'step 6 (ModelDataDelivery)';
    if (!isObject(message)) throw new Refused(`${where}: the message must be an object`);
    const wanted = this.pending;
    if (message.variantIdentifier !== wanted.variantIdentifier) {
      throw new Refused(`${where}: variant ${JSON.stringify(message.variantIdentifier)} came; ${wanted.variantIdentifier} was requested`);
    }
    if (message.modelIdentifier !== this.model.name) throw new Refused(`${where}: model ${JSON.stringify(message.modelIdentifier)} was not requested`);
    if (typeof attachments.model !== 'string') throw new Refused(`${where}: no 'model' attachment carries the package`);
    const data = Buffer.from(attachments.model, 'base64');
    const digest = sha256(data);
    if (data.length !== message.size || digest !== message.sha256) {
      throw new Refused(`${where}: the package does not match the announced size and SHA-256`);
    }
    if (typeof wanted.sha256 === 'string' && digest !== wanted.sha256) {
      throw new Refused(`${where}: the package's SHA-256 is not the manifest's for ${wanted.variantIdentifier}`);
    }
    let next;
    let model;
    try {
      next = this.progressive ? this.progressive.applied(data) : new Progressive(data, this.model.name);
      model = next.toBytes();
    } catch (error) {
      if (error instanceof PackageRefused || error instanceof RangeError) {
        throw new Refused(`package ${wanted.variantIdentifier} is refused: ${error.message}`);
      }
      throw error;
    }
    const media = this.fixtures.sample(this.model, this.sample);
    const session = await runtime.session(model, `${this.model.name} level ${next.level}`);
    const [output] = await runtime.run(session, [media]);
    // Everything checked and run: the model is taken.
    const update = this.progressive !== null;
    this.progressive = next;
    this.held = wanted;
    this.pending = null;
    const reply = [{
      step: '7',
      message: { modelIdentifier: this.model.name, sha256: digest, variantIdentifier: wanted.variantIdentifier },
    }];
    if (update) reply.push({ step: '12', message: null, attachments: { model: model.toString('base64') } });
    const floats = new Float32Array(output.bytes.length / 4);
    for (let i = 0; i < floats.length; i += 1) floats[i] = output.bytes.readFloatLE(4 * i);
    reply.push(
      { step: '8', message: { sequenceNumber: 0, inputs: [{ name: media.name, tensorShape: media.shape, tensorElementDataType: media.type }] } },
      { step: '9', message: null },
      {
        step: '10',
        message: { sequenceNumber: 0, outputs: [{ name: output.name, tensorShape: output.shape, tensorElementDataType: output.type }] },
        attachments: { output: writeNpyFloat32(floats, output.shape).toString('base64') },
      },
    );
    // 11: the next precision level, over the open delivery session.
    const following = this.entry.variants.find((v) => v.updateOf === wanted.variantIdentifier);
    if (following) {
      this.pending = following;
      reply.push({
        step: '11',
        message: { modelIdentifier: this.model.name, fromVariant: wanted.variantIdentifier, toVariant: following.variantIdentifier },
      });
    }
    return reply;
  }
}

module.exports = { UeAdaptiveDelivery, Progressive, rebuild, BYTES_PER_MB };
