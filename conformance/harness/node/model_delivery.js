'use strict';
// A minimal network side of generic model delivery (TR 26.927 clause 5.2.2.2.1, Figure
// 5.2.2-2): the Network Application selects a model for the UE's trigger (step 1 -> 2),
// identifies it in the repository (3), and the AI Model Delivery Function delivers it with
// its size and SHA-256 (4 -> 5). Out-of-order and malformed steps are refused.
//
// The repository holds the model the case's preamble names, as the exported fixtures
// manifest describes it (see fixtures.js). Size and SHA-256 are computed here from the
// bytes actually delivered.

const crypto = require('node:crypto');
const { onnxFacts, onnxVersionFor } = require('./runtime.js');

const BYTES_PER_MB = 1e6; // the TR's MB, as the ts26927 schemas state it

class Refused extends Error {}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function requireString(object, key, where) {
  const value = object[key];
  if (typeof value !== 'string' || value.length < 1 || value.length > 256) {
    throw new Refused(`${where}: ${key} must be a string of 1 to 256 characters`);
  }
  return value;
}

function onlyKeys(object, allowed, where) {
  const extra = Object.keys(object).filter((key) => !allowed.includes(key));
  if (extra.length) throw new Refused(`${where}: unknown properties ${extra.join(', ')}`);
}

function optionalNumber(object, key, where, max = Infinity) {
  if (!(key in object)) return undefined;
  const value = object[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
    throw new Refused(`${where}: ${key} must be a number from 0 to ${max}`);
  }
  return value;
}

// AiServiceTrigger (step 1): what this implementation needs of it, checked strictly.
function readTrigger(message) {
  const where = 'step 1 (AiServiceTrigger)';
  if (!isObject(message)) throw new Refused(`${where}: the message must be an object`);
  onlyKeys(message, ['service', 'sessionId', 'serviceRequirementInformation',
    'ueCapabilityInformation'], where);
  if (message.service !== 'MODEL_DELIVERY') {
    throw new Refused(`${where}: service ${JSON.stringify(message.service)} is not MODEL_DELIVERY`);
  }
  requireString(message, 'sessionId', where);
  const service = message.serviceRequirementInformation ?? {};
  const ue = message.ueCapabilityInformation ?? {};
  if (!isObject(service) || !isObject(ue)) {
    throw new Refused(`${where}: service requirements and UE capabilities must be objects`);
  }
  const processing = ue.processingCapabilities ?? {};
  if (!isObject(processing)) throw new Refused(`${where}: processingCapabilities must be an object`);
  const frameworks = ue.supportedAiFrameworks ?? [];
  if (!Array.isArray(frameworks) || !frameworks.every((f) => isObject(f) && typeof f.name === 'string')) {
    throw new Refused(`${where}: supportedAiFrameworks must be a list of {name, version}`);
  }
  return {
    memoryMb: optionalNumber(processing, 'memory', `${where} /ueCapabilityInformation`),
    frameworks: frameworks.map((f) => f.name),
    minimumAccuracy: optionalNumber(service, 'minimumServiceInferenceAccuracy',
      `${where} /serviceRequirementInformation`, 100),
  };
}

// DeliverySessionSetup (step 4).
function readSessionSetup(message) {
  const where = 'step 4 (DeliverySessionSetup)';
  if (!isObject(message)) throw new Refused(`${where}: the message must be an object`);
  onlyKeys(message, ['deliverySessionId', 'modelIdentifier', 'subset', 'deliveryMethod',
    'resumeFromOffset', 'location', 'variantIdentifier'], where);
  const setup = {
    deliverySessionId: requireString(message, 'deliverySessionId', where),
    modelIdentifier: requireString(message, 'modelIdentifier', where),
    offset: message.resumeFromOffset ?? 0,
  };
  if ((message.subset ?? 'WHOLE') !== 'WHOLE') {
    throw new Refused(`${where}: only the whole model is offered, not ${message.subset}`);
  }
  if ((message.deliveryMethod ?? 'DOWNLOAD') !== 'DOWNLOAD') {
    throw new Refused(`${where}: only DOWNLOAD is offered, not ${message.deliveryMethod}`);
  }
  if ('variantIdentifier' in message) throw new Refused(`${where}: this repository has no variants`);
  if (!Number.isSafeInteger(setup.offset) || setup.offset < 0) {
    throw new Refused(`${where}: resumeFromOffset must be a non-negative integer`);
  }
  return setup;
}

// The repository entry of a manifest model: its bytes and its clause 6.6.2 information.
function repositoryEntry(fixtures, model) {
  const data = fixtures.bytes(model.file);
  const information = {
    modelIdentifier: model.name,
    numberOfParameters: model.parameters,
    modelSize: data.length / BYTES_PER_MB,
  };
  if (typeof model.accuracy === 'number') information.accuracy = model.accuracy;
  let release;
  try {
    release = onnxVersionFor(onnxFacts(data).opset);
  } catch (error) {
    process.stderr.write(`${model.file.path}: not readable as ONNX (${error.message})\n`);
  }
  // the ONNX release that introduced the model's operator set
  if (release) information.formatFramework = [{ name: 'ONNX', version: release }];
  return {
    data,
    sha256: crypto.createHash('sha256').update(data).digest('hex'),
    information,
  };
}

class NetworkModelDelivery {
  constructor(repository) {
    this.repository = repository;
    this.state = 'idle'; // idle -> selected (after 1, 2, 3) -> delivered (after 4, 5)
    this.selected = null;
  }

  deliver(step, message) {
    if (step === '1') {
      if (this.state !== 'idle') throw new Refused(`step 1 is out of order in state ${this.state}`);
      return this.select(readTrigger(message));
    }
    if (step === '4') {
      if (this.state !== 'selected') {
        throw new Refused(`step 4 is out of order in state ${this.state}: no model is selected`);
      }
      return this.deliverModel(readSessionSetup(message));
    }
    throw new Refused(`step ${step} is not one the network side receives in 5.2.2.2.1`);
  }

  select(trigger) {
    const fits = this.repository.find(({ information: info }) =>
      (trigger.memoryMb === undefined || info.modelSize <= trigger.memoryMb)
      && (trigger.frameworks.length === 0 || !info.formatFramework
        || info.formatFramework.some((f) => trigger.frameworks.includes(f.name)))
      && (trigger.minimumAccuracy === undefined || info.accuracy >= trigger.minimumAccuracy));
    if (!fits) throw new Refused('no model in the repository fits the UE and the service');
    this.selected = fits;
    this.state = 'selected';
    const id = fits.information.modelIdentifier;
    return [
      { step: '2', message: { modelIdentifier: id, aiModelInformation: fits.information } },
      { step: '3', message: { modelIdentifier: id } },
    ];
  }

  deliverModel(setup) {
    const model = this.selected;
    const id = model.information.modelIdentifier;
    if (setup.modelIdentifier !== id) {
      throw new Refused(`model ${setup.modelIdentifier} was not selected (selected: ${id})`);
    }
    if (setup.offset > model.data.length) {
      throw new Refused(`resumeFromOffset ${setup.offset} is beyond the model's ${model.data.length} bytes`);
    }
    this.state = 'delivered';
    return [{
      step: '5',
      message: {
        modelIdentifier: id,
        subset: 'WHOLE',
        size: model.data.length,
        sha256: model.sha256,
        deliverySessionId: setup.deliverySessionId,
      },
      attachments: { model: model.data.subarray(setup.offset).toString('base64') },
    }];
  }
}

module.exports = {
  NetworkModelDelivery, Refused, repositoryEntry, isObject, onlyKeys, requireString, optionalNumber,
};
