'use strict';
// The network side of split inference (TR 26.927 clause 5.2.3.2, detailed workflow of
// Figure 5.2.3-3), built from the exported fixtures: the model the preamble names, its
// predefined split points (first and second sub-models, and their facts in the manifest),
// and its inputs (the network's media) and labels (to measure accuracy).
//
// Steps this side receives: 0, 2a, 2b, 6b, 12, 17a, 18b. Steps it performs:
//   2a -> 3a, 4a, 5a, 6a, 7a (it decides), then 10, 11;
//   2b -> 3b, 4b (every configuration it can serve); 6b -> 7b, 8b, 9b, then 10, 11;
//   12 -> 13 (the UE's sub-model as the `model` attachment);
//   data source in the UE: polled -> 17b; 18b (a `unit`) -> 19b, 20b (an `output` .npy);
//   data source in the network: polled -> 15a, 16a; 17a -> 18a (a `unit` it encodes).
// Anything else, and anything out of order or malformed, is refused.
//
// How it decides: every (predefined split point, codec chain) pair is a configuration;
// chains are those this implementation encodes and decodes (NONE, FLOAT16, INT8) that the
// UE supports (NONE always). For each it estimates, from the manifest's facts and the
// request:
//   UE memory       the UE sub-model's parameter bytes plus its largest tensor (tensors
//                   are materialized whole, buffers are reused);
//   UE latency      the UE sub-model's FLOPs / the FLOPS of the UE's fastest unit;
//   transfer        (one unit as encoded here, plus the inference result when it goes
//                   back to the UE) * 8 / the UE's connection bit rate;
//   network latency the network sub-model's FLOPs / this network's FLOPS (--network-flops);
//   accuracy        the model's declared accuracy for NONE; for FLOAT16 and INT8 measured
//                   here on the model's labelled inputs, each sample through its own unit
//                   (none without labels).
// A configuration is feasible when the memory fits the UE's, the total latency fits the
// service's budget and the accuracy reaches its floor (when they are given). The network
// decides the best feasible one for the UE's optimization preference (LATENCY, the
// default: least total latency; ENERGY: least UE FLOPs; BANDWIDTH: the smallest unit),
// and offers all feasible ones, best first, when the UE decides. None feasible: refused.

const { Refused, isObject, onlyKeys, requireString } = require('./model_delivery.js');
const { sha256 } = require('./fixtures.js');
const runtime = require('./runtime.js');
const {
  UnitError, encodeUnit, decodeUnit, elementCount, ELEMENT_BYTES, IMPLEMENTED_CHAINS,
} = require('./unit.js');
const { writeNpyFloat32 } = require('./npy.js');

const BYTES_PER_KB = 1000;
const BYTES_PER_MB = 1e6;
const TOPOLOGIES = ['UE_SOURCE_UE_FIRST', 'NETWORK_SOURCE'];
const PREFERENCES = ['LATENCY', 'ENERGY', 'BANDWIDTH'];
const BIT_RATE_PREFIX = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

// Sessions and measured accuracies, kept for the life of the process.
const sessions = new Map();
const accuracies = new Map();

async function sessionOf(fixtures, file) {
  if (!sessions.has(file.path)) {
    sessions.set(file.path, runtime.session(fixtures.bytes(file), file.path));
  }
  return sessions.get(file.path);
}

// "20 Mbps", "256 kb/s", "1e6 bit/s" -> bits per second; undefined if unreadable.
function bitRate(text) {
  if (typeof text !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)\s*([kKMGT]?)\s*(?:bps|b\/s|bit\/s|bits\/s)\s*$/.exec(text);
  return match ? Number(match[1]) * BIT_RATE_PREFIX[match[2]] : undefined;
}

function versionAtLeast(have, need) {
  const a = String(have).split('.').map(Number);
  const b = String(need).split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const x = a[i] || 0;
    const y = b[i] || 0;
    if (Number.isNaN(x) || Number.isNaN(y)) return true; // not comparable: not a reason to refuse
    if (x !== y) return x > y;
  }
  return true;
}

function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function argmax(values, start, count) {
  let best = 0;
  for (let i = 1; i < count; i += 1) if (values[start + i] > values[start + best]) best = i;
  return best;
}

// AiSplitInferenceRequest (2a) or AiModelInformationRequest (2b): what the decision needs.
function readRequest(step, message, model) {
  const where = `step ${step} (${step === '2a' ? 'AiSplitInferenceRequest' : 'AiModelInformationRequest'})`;
  if (!isObject(message)) throw new Refused(`${where}: the message must be an object`);
  const allowed = ['sessionId', 'serviceRequirementInformation', 'ueCapabilityInformation',
    'preferredDeliveryMethod', 'modelIdentifier'];
  if (step === '2a') allowed.push('optimizationPreference');
  onlyKeys(message, allowed, where);
  const sessionId = requireString(message, 'sessionId', where);
  const service = message.serviceRequirementInformation;
  const ue = message.ueCapabilityInformation;
  if (!isObject(service) || !isObject(ue)) {
    throw new Refused(`${where}: serviceRequirementInformation and ueCapabilityInformation are required objects`);
  }
  if ('modelIdentifier' in message && message.modelIdentifier !== model.name) {
    throw new Refused(`${where}: model ${JSON.stringify(message.modelIdentifier)} is not held here (only ${model.name})`);
  }
  const preference = message.optimizationPreference ?? 'LATENCY';
  if (!PREFERENCES.includes(preference)) throw new Refused(`${where}: optimizationPreference ${JSON.stringify(preference)}`);
  const number = (object, key, max = Infinity) => {
    if (!(key in object)) return undefined;
    const value = object[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
      throw new Refused(`${where}: ${key} must be a number from 0 to ${max}`);
    }
    return value;
  };
  const processing = ue.processingCapabilities;
  let memoryMb;
  let flops;
  if (processing !== undefined) {
    if (!isObject(processing) || !Array.isArray(processing.processingUnits)) {
      throw new Refused(`${where}: processingCapabilities needs processingUnits and memory`);
    }
    memoryMb = number(processing, 'memory');
    for (const unit of processing.processingUnits) {
      if (!isObject(unit) || typeof unit.computeFlops !== 'number' || !(unit.computeFlops >= 0)) {
        throw new Refused(`${where}: each processing unit has a computeFlops number`);
      }
      flops = Math.max(flops ?? 0, unit.computeFlops);
    }
  }
  const frameworks = ue.supportedAiFrameworks ?? [];
  const codecs = ue.supportedCompressionAlgorithms ?? ['NONE'];
  if (!Array.isArray(frameworks) || !Array.isArray(codecs)) {
    throw new Refused(`${where}: supportedAiFrameworks and supportedCompressionAlgorithms are lists`);
  }
  let bps;
  if ('connectionCapabilities' in ue) {
    bps = bitRate(ue.connectionCapabilities);
    if (bps === undefined) {
      throw new Refused(`${where}: connectionCapabilities ${JSON.stringify(ue.connectionCapabilities)} is not a bit rate`);
    }
  }
  return {
    sessionId,
    preference,
    memoryMb,
    flops: flops > 0 ? flops : undefined,
    bps: bps > 0 ? bps : undefined,
    frameworks: frameworks.filter(isObject),
    codecs: ['NONE', ...codecs.filter((c) => c !== 'NONE')],
    budgetMs: number(service, 'maximumServiceInferenceLatency'),
    floor: number(service, 'minimumServiceInferenceAccuracy', 100),
  };
}

class NetworkSplitInference {
  constructor({ fixtures, model, topology, sample, networkFlops, structure }) {
    if (!TOPOLOGIES.includes(topology)) {
      throw new Refused(`topology ${JSON.stringify(topology)}: this network serves ${TOPOLOGIES.join(' and ')}`);
    }
    if (!Array.isArray(model.splitPoints) || model.splitPoints.length === 0) {
      throw new Refused(`model ${model.name} has no predefined split points`);
    }
    this.fixtures = fixtures;
    this.model = model;
    this.topology = topology;
    this.ueFirst = topology === 'UE_SOURCE_UE_FIRST';
    this.sample = sample;
    this.networkFlops = networkFlops;
    this.structure = structure; // tensorStructureInformation
    this.state = 'idle';
    this.sessionId = null;
    this.offered = [];
    this.agreed = null; // {point, config}
    this.sequence = 0;
    this.crossing = null; // network source: the tensors the network's first sub-model produced
  }

  // ---- the protocol's entry points ------------------------------------------------------

  async deliver(step, message, attachments) {
    switch (step) {
      case '0': return this.establish(message);
      case '2a': return this.decide(message);
      case '2b': return this.offer(message);
      case '6b': return this.select(message);
      case '12': return this.deliverSubset(message);
      case '17a': return this.sendIntermediate(message);
      case '18b': return this.infer(message, attachments);
      default:
        throw new Refused(`step ${step} is not one the network side receives in 5.2.3.2 (it receives 0, 2a, 2b, 6b, 12, 17a, 18b)`);
    }
  }

  async poll() {
    if (this.state !== 'delivered') return [];
    if (this.ueFirst) {
      this.state = 'opened';
      return [{ step: '17b', message: this.sessionSetup() }];
    }
    return this.networkInference();
  }

  // ---- negotiation ------------------------------------------------------------------------

  establish(message) {
    if (this.state !== 'idle') throw new Refused(`step 0 is out of order: the session is established`);
    if (!isObject(message)) throw new Refused('step 0 (SessionEstablishment): the message must be an object');
    onlyKeys(message, ['sessionId'], 'step 0 (SessionEstablishment)');
    this.sessionId = requireString(message, 'sessionId', 'step 0 (SessionEstablishment)');
    this.state = 'established';
    return [];
  }

  requireSession(step, sessionId) {
    if (this.state === 'idle') throw new Refused(`step ${step} is out of order: no session is established (step 0)`);
    if (sessionId !== this.sessionId) {
      throw new Refused(`step ${step}: session ${JSON.stringify(sessionId)} is not the established ${JSON.stringify(this.sessionId)}`);
    }
  }

  async decide(message) {
    const request = readRequest('2a', message, this.model);
    this.requireSession('2a', request.sessionId);
    const [best] = await this.configurations(request);
    this.offered = [];
    this.agreed = best;
    const allocation = this.allocationRequest(best);
    const outputs = [
      { step: '3a', message: null },
      { step: '4a', message: null },
      { step: '5a', message: allocation },
      { step: '6a', message: await this.allocate(best) },
      { step: '7a', message: { ...allocation } },
    ];
    return outputs.concat(await this.identify());
  }

  async offer(message) {
    const request = readRequest('2b', message, this.model);
    this.requireSession('2b', request.sessionId);
    const configurations = await this.configurations(request);
    this.offered = configurations;
    this.agreed = null;
    this.state = 'offered';
    const candidates = configurations.map((c) => c.candidate);
    return [
      { step: '3b', message: null },
      { step: '4b', message: { candidates, preferredCandidate: candidates[0].configurationIdentifier } },
    ];
  }

  async select(message) {
    const where = 'step 6b (AiSplitInferenceSelectionRequest)';
    if (this.state !== 'offered') {
      throw new Refused(`step 6b is out of order in state ${this.state}: no candidates were offered (step 2b first)`);
    }
    if (!isObject(message)) throw new Refused(`${where}: the message must be an object`);
    onlyKeys(message, ['sessionId', 'selected'], where);
    this.requireSession('6b', message.sessionId);
    const selected = message.selected;
    if (!isObject(selected)) throw new Refused(`${where}: selected must be a split configuration`);
    const chosen = this.offered.find((c) => c.candidate.configurationIdentifier === selected.configurationIdentifier);
    if (!chosen) {
      throw new Refused(`${where}: configuration ${JSON.stringify(selected.configurationIdentifier)} was never offered`);
    }
    if (canonical(chosen.candidate) !== canonical(selected)) {
      throw new Refused(`${where}: configuration ${JSON.stringify(selected.configurationIdentifier)} differs from the one offered`);
    }
    this.agreed = chosen;
    this.state = 'agreed';
    return [
      { step: '7b', message: this.allocationRequest(chosen) },
      { step: '8b', message: await this.allocate(chosen) },
      { step: '9b', message: { result: 'SUCCESS' } },
    ].concat(await this.identify());
  }

  allocationRequest(config) {
    return {
      modelIdentifier: this.model.name,
      splitPointInformation: config.candidate.splitPointInformation,
      intermediateDataInformation: config.candidate.intermediateDataInformation,
    };
  }

  // 6a/8b: the network inference engine loads the network sub-model (11 then delivers it).
  async allocate(config) {
    await sessionOf(this.fixtures, this.networkFile(config));
    return { result: 'SUCCESS' };
  }

  // 10 and 11: the selected subsets identified in the repository; the network's to its engine.
  async identify() {
    this.state = 'agreed';
    const config = this.agreed;
    const file = this.networkFile(config);
    const data = this.fixtures.bytes(file);
    return [
      {
        step: '10',
        message: {
          modelIdentifier: this.model.name,
          subsets: ['UE_SUBSET', 'NETWORK_SUBSET'],
          splitPointIdentifier: config.candidate.splitPointInformation.splitPointIdentifier,
        },
      },
      {
        step: '11',
        message: {
          modelIdentifier: this.model.name, subset: 'NETWORK_SUBSET', size: data.length, sha256: sha256(data),
        },
      },
    ];
  }

  ueFile(config) {
    return this.ueFirst ? config.point.firstFile : config.point.secondFile;
  }

  networkFile(config) {
    return this.ueFirst ? config.point.secondFile : config.point.firstFile;
  }

  // ---- the configurations and their estimates -------------------------------------------

  splitPointInformation(point) {
    return {
      splitPointIdentifier: String(point.number),
      splitPointIntermediateDataSize: point.bytes / BYTES_PER_KB,
      splitPointNumber: point.number,
      splitPointName: point.nodeName,
      splitPointFlag: point.flag,
    };
  }

  information(point, chain) {
    return {
      tensorStructureInformation: this.structure,
      tensors: point.tensors.map((t) => ({
        name: t.name, tensorShape: t.tensorShape.slice(), tensorElementDataType: t.tensorElementDataType,
      })),
      dataDirection: this.ueFirst ? 'UPSTREAM' : 'DOWNSTREAM',
      compressionAlgorithms: chain,
    };
  }

  // The size of one unit of this split point with `chain`, as this implementation encodes
  // it (the header does not depend on the values but for an INT8 scale's digits: room is
  // made for the longest).
  unitBytes(point, chain) {
    const tensors = point.tensors.map((t) => ({
      name: t.name,
      type: t.tensorElementDataType,
      shape: t.tensorShape,
      bytes: Buffer.alloc(elementCount(t.tensorShape) * ELEMENT_BYTES[t.tensorElementDataType]),
    }));
    const unit = encodeUnit({
      splitPointInformation: this.splitPointInformation(point),
      information: this.information(point, chain),
      tensors,
      chain,
    });
    return unit.length + (chain.includes('INT8') ? 24 * point.tensors.length : 0);
  }

  resultBytes() {
    if (!this.ueFirst) return 0; // the UE computes the result itself
    const shape = this.model.output.shape.map((d) => (typeof d === 'number' ? d : 1));
    const size = ELEMENT_BYTES[this.model.output.elementType] || 4;
    return elementCount(shape) * size;
  }

  // Every feasible configuration, best first; refuses when there is none.
  async configurations(request) {
    const model = this.model;
    const reasons = [];
    const onnx = request.frameworks.filter((f) => f.name === 'ONNX');
    if (request.frameworks.length && !onnx.length) {
      throw new Refused(`the UE runs none of ONNX (the sub-models' format); it lists ${request.frameworks.map((f) => f.name).join(', ')}`);
    }
    const release = runtime.onnxVersionFor(runtime.onnxFacts(this.fixtures.bytes(model.file)).opset);
    if (release && onnx.length && !onnx.some((f) => versionAtLeast(f.version, release))) {
      throw new Refused(`the model needs ONNX ${release}; the UE has ${onnx.map((f) => f.version).join(', ')}`);
    }
    const chains = IMPLEMENTED_CHAINS.filter((c) => request.codecs.includes(c)).map((c) => [c]);
    const feasible = [];
    for (const point of model.splitPoints) {
      const ue = this.ueFirst ? point.first : point.second;
      const network = this.ueFirst ? point.second : point.first;
      const memoryBytes = ue.parameterBytes + ue.largestTensorBytes;
      if (request.memoryMb !== undefined && memoryBytes / BYTES_PER_MB > request.memoryMb) {
        reasons.push(`${point.number}: the UE sub-model needs ${memoryBytes / BYTES_PER_MB} MB > ${request.memoryMb} MB`);
        continue;
      }
      for (const chain of chains) {
        const id = `${point.number}/${chain.join('+')}`;
        const unitBytes = this.unitBytes(point, chain);
        const ueMs = request.flops ? (ue.flops / request.flops) * 1000 : undefined;
        const transferMs = request.bps ? ((unitBytes + this.resultBytes()) * 8 / request.bps) * 1000 : undefined;
        const networkMs = (network.flops / this.networkFlops) * 1000;
        let totalMs;
        if (ueMs !== undefined && transferMs !== undefined) totalMs = ueMs + transferMs + networkMs;
        if (request.budgetMs !== undefined) {
          if (totalMs === undefined) {
            reasons.push(`${id}: without the UE's compute and bit rate no latency can be promised`);
            continue;
          }
          if (totalMs > request.budgetMs) {
            reasons.push(`${id}: ${totalMs.toPrecision(4)} ms > ${request.budgetMs} ms`);
            continue;
          }
        }
        // eslint-disable-next-line no-await-in-loop
        const accuracy = chain[0] === 'NONE' ? (model.accuracy ?? undefined) : await this.accuracy(point, chain);
        if (request.floor !== undefined && !(accuracy >= request.floor)) {
          reasons.push(`${id}: accuracy ${accuracy === undefined ? 'unknown' : `${accuracy.toFixed(2)} %`} < ${request.floor} %`);
          continue;
        }
        const candidate = {
          configurationIdentifier: id,
          modelIdentifier: model.name,
          topology: this.topology,
          splitPointInformation: this.splitPointInformation(point),
          intermediateDataInformation: this.information(point, chain),
        };
        if (accuracy !== undefined) candidate.accuracy = accuracy;
        candidate.intermediateDataSize = unitBytes / BYTES_PER_KB;
        if (ueMs !== undefined) candidate.ueInferenceLatency = ueMs;
        if (transferMs !== undefined) candidate.transferLatency = transferMs;
        candidate.networkInferenceLatency = networkMs;
        if (totalMs !== undefined) candidate.totalLatency = totalMs;
        candidate.ueProfile = { computationalCost: ue.flops, memory: memoryBytes / BYTES_PER_MB };
        feasible.push({ point, chain, candidate, unitBytes, ueFlops: ue.flops, totalMs: totalMs ?? 0 });
      }
    }
    if (!feasible.length) {
      const shown = reasons.slice(0, 8).join('; ');
      throw new Refused(`no split configuration of ${model.name} meets the service requirements and the UE's capabilities (${shown}${reasons.length > 8 ? '; ...' : ''})`);
    }
    const key = {
      LATENCY: (c) => [c.totalMs],
      ENERGY: (c) => [c.ueFlops, c.totalMs],
      BANDWIDTH: (c) => [c.unitBytes, c.totalMs],
    }[request.preference];
    return feasible.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      for (let i = 0; i < x.length; i += 1) if (x[i] !== y[i]) return x[i] - y[i];
      return 0;
    });
  }

  // Top-1 accuracy in % of `chain` at `point` on the model's labelled inputs, each sample
  // through its own unit; undefined without labels.
  async accuracy(point, chain) {
    const model = this.model;
    if (!model.labels || !model.inputs) return undefined;
    const key = `${model.name}/${point.number}/${chain.join('+')}`;
    if (!accuracies.has(key)) {
      const labels = this.fixtures.npy(model.labels).data;
      const count = labels.length;
      const first = await sessionOf(this.fixtures, point.firstFile);
      const second = await sessionOf(this.fixtures, point.secondFile);
      const information = this.information(point, chain);
      let correct = 0;
      for (let i = 0; i < count; i += 1) {
        const media = this.fixtures.sample(model, i);
        // eslint-disable-next-line no-await-in-loop
        const crossing = await runtime.run(first, [media]);
        const unit = encodeUnit({ information, tensors: crossing, chain });
        // eslint-disable-next-line no-await-in-loop
        const outputs = await runtime.run(second, decodeUnit(unit).tensors);
        const output = outputs.find((o) => o.name === model.output.name);
        const scores = new Float32Array(output.bytes.buffer.slice(output.bytes.byteOffset, output.bytes.byteOffset + output.bytes.length));
        if (argmax(scores, 0, scores.length) === labels[i]) correct += 1;
      }
      accuracies.set(key, (100 * correct) / count);
    }
    return accuracies.get(key);
  }

  // ---- delivery of the UE's sub-model -----------------------------------------------------

  deliverSubset(message) {
    const where = 'step 12 (DeliverySessionSetup)';
    if (!['agreed', 'delivered', 'opened', 'media', 'streaming'].includes(this.state)) {
      throw new Refused(`step 12 is out of order in state ${this.state}: no split is agreed`);
    }
    if (!isObject(message)) throw new Refused(`${where}: the message must be an object`);
    onlyKeys(message, ['deliverySessionId', 'modelIdentifier', 'subset', 'deliveryMethod',
      'resumeFromOffset', 'location', 'variantIdentifier'], where);
    const deliverySessionId = requireString(message, 'deliverySessionId', where);
    if (message.modelIdentifier !== this.model.name) {
      throw new Refused(`${where}: model ${JSON.stringify(message.modelIdentifier)} is not the negotiated ${this.model.name}`);
    }
    if (message.subset !== 'UE_SUBSET') {
      throw new Refused(`${where}: the UE receives the UE_SUBSET, not ${JSON.stringify(message.subset ?? 'WHOLE')}`);
    }
    if ((message.deliveryMethod ?? 'DOWNLOAD') !== 'DOWNLOAD') {
      throw new Refused(`${where}: only DOWNLOAD is offered, not ${message.deliveryMethod}`);
    }
    if ('variantIdentifier' in message) throw new Refused(`${where}: the sub-models have no variants`);
    const offset = message.resumeFromOffset ?? 0;
    const data = this.fixtures.bytes(this.ueFile(this.agreed));
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > data.length) {
      throw new Refused(`${where}: resumeFromOffset ${offset} is not within the ${data.length} bytes`);
    }
    this.state = 'delivered';
    return [{
      step: '13',
      message: {
        modelIdentifier: this.model.name,
        subset: 'UE_SUBSET',
        size: data.length,
        sha256: sha256(data),
        deliverySessionId,
      },
      attachments: { model: data.subarray(offset).toString('base64') },
    }];
  }

  // ---- intermediate data ----------------------------------------------------------------------

  sessionSetup() {
    return {
      sessionId: `i-${this.sessionId}-${this.agreed.candidate.configurationIdentifier}`,
      intermediateDataInformation: this.agreed.candidate.intermediateDataInformation,
      deliveryMethod: 'STREAMING',
    };
  }

  // Data source in the network: 15a (the media) and 16a (the first sub-model on it).
  async networkInference() {
    const media = this.fixtures.sample(this.model, this.sample);
    const first = await sessionOf(this.fixtures, this.agreed.point.firstFile);
    const outputs = await runtime.run(first, [media]);
    const names = this.agreed.point.tensors.map((t) => t.name);
    this.crossing = names.map((name) => outputs.find((o) => o.name === name));
    if (this.crossing.some((t) => !t)) throw new Error(`the first sub-model does not output ${names.join(', ')}`);
    this.state = 'media';
    return [
      {
        step: '15a',
        message: {
          sequenceNumber: this.sequence,
          inputs: [{ name: media.name, tensorShape: media.shape, tensorElementDataType: media.type }],
        },
      },
      { step: '16a', message: null },
    ];
  }

  // 17a: the UE's Intermediate Data Access Function sets up the session; 18a: the unit.
  async sendIntermediate(message) {
    const where = 'step 17a (IntermediateDataSessionSetup)';
    if (this.ueFirst) throw new Refused('step 17a: the data source is in the UE here (17b is the network\'s)');
    if (!['delivered', 'media'].includes(this.state)) {
      throw new Refused(`step 17a is out of order in state ${this.state}`);
    }
    this.checkSessionSetup(message, where);
    const outputs = this.state === 'delivered' ? await this.networkInference() : [];
    const { candidate, chain } = this.agreed;
    let unit;
    try {
      unit = encodeUnit({
        splitPointInformation: candidate.splitPointInformation,
        information: candidate.intermediateDataInformation,
        tensors: this.crossing,
        chain,
      });
    } catch (error) {
      if (error instanceof UnitError) throw new Error(`the network cannot encode its unit: ${error.message}`);
      throw error;
    }
    this.state = 'streaming';
    outputs.push({
      step: '18a',
      message: {
        sequenceNumber: this.sequence,
        splitPointIdentifier: candidate.splitPointInformation.splitPointIdentifier,
        size: unit.length,
        compressionAlgorithms: chain,
      },
      attachments: { unit: unit.toString('base64') },
    });
    this.sequence += 1;
    return outputs;
  }

  checkSessionSetup(message, where) {
    if (!isObject(message)) throw new Refused(`${where}: the message must be an object`);
    onlyKeys(message, ['sessionId', 'intermediateDataInformation', 'deliveryMethod'], where);
    requireString(message, 'sessionId', where);
    const agreed = this.agreed.candidate.intermediateDataInformation;
    if (canonical(message.intermediateDataInformation) !== canonical(agreed)) {
      throw new Refused(`${where}: the intermediate data ${JSON.stringify(message.intermediateDataInformation)} is not the agreed ${JSON.stringify(agreed)}`);
    }
  }

  // 18b: a unit from the UE; 19b the second sub-model on it; 20b its output as .npy.
  async infer(message, attachments) {
    const where = 'step 18b (IntermediateDataDelivery)';
    if (!this.ueFirst) throw new Refused('step 18b: the data source is in the network here (18a is the network\'s)');
    if (!['opened', 'streaming'].includes(this.state)) {
      throw new Refused(`step 18b is out of order in state ${this.state}: no intermediate data session is open (17b)`);
    }
    if (!isObject(message)) throw new Refused(`${where}: the message must be an object`);
    onlyKeys(message, ['sequenceNumber', 'splitPointIdentifier', 'size', 'compressionAlgorithms'], where);
    const { candidate, chain, point } = this.agreed;
    if (!Number.isSafeInteger(message.sequenceNumber) || message.sequenceNumber < 0) {
      throw new Refused(`${where}: sequenceNumber must be an integer >= 0`);
    }
    if (message.splitPointIdentifier !== candidate.splitPointInformation.splitPointIdentifier) {
      throw new Refused(`${where}: split point ${JSON.stringify(message.splitPointIdentifier)} is not the agreed ${candidate.splitPointInformation.splitPointIdentifier}`);
    }
    if ('compressionAlgorithms' in message && canonical(message.compressionAlgorithms) !== canonical(chain)) {
      throw new Refused(`${where}: codec chain ${JSON.stringify(message.compressionAlgorithms)} is not the agreed ${chain.join('+')}`);
    }
    const encoded = attachments.unit;
    if (typeof encoded !== 'string') throw new Refused(`${where}: no 'unit' attachment carries the intermediate data`);
    const unit = Buffer.from(encoded, 'base64');
    if (message.size !== unit.length) {
      throw new Refused(`${where}: size ${message.size}, the unit has ${unit.length} bytes`);
    }
    let decoded;
    try {
      decoded = decodeUnit(unit);
    } catch (error) {
      if (error instanceof UnitError) throw new Refused(`intermediate data unit refused: ${error.message}`);
      throw error;
    }
    const unitChain = decoded.header.intermediateDataInformation.compressionAlgorithms || ['NONE'];
    if (canonical(unitChain) !== canonical(chain)) {
      throw new Refused(`intermediate data unit refused: its chain ${unitChain.join('+')} is not the agreed ${chain.join('+')}`);
    }
    const want = canonical(candidate.intermediateDataInformation.tensors);
    const got = canonical(decoded.header.intermediateDataInformation.tensors);
    if (want !== got) throw new Refused(`intermediate data unit refused: it carries ${got}, agreed ${want}`);
    this.state = 'streaming';
    const second = await sessionOf(this.fixtures, point.secondFile);
    const outputs = await runtime.run(second, decoded.tensors);
    const output = outputs.find((o) => o.name === this.model.output.name) || outputs[0];
    if (output.type !== 'FLOAT') throw new Error(`output ${output.name} is ${output.type}, not FLOAT`);
    const values = new Float32Array(elementCount(output.shape));
    for (let i = 0; i < values.length; i += 1) values[i] = output.bytes.readFloatLE(i * 4);
    return [
      { step: '19b', message: null },
      {
        step: '20b',
        message: {
          sequenceNumber: message.sequenceNumber,
          outputs: [{ name: output.name, tensorShape: output.shape, tensorElementDataType: output.type }],
        },
        attachments: { output: writeNpyFloat32(values, output.shape).toString('base64') },
      },
    ];
  }
}

module.exports = { NetworkSplitInference, bitRate, canonical };
