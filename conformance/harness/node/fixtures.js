'use strict';
// The exported fixtures folder (`ts26927 conformance fixtures export DIR`), read through its
// manifest.json: the models this network holds, the predefined split points of each (the
// first and second sub-models as ONNX files, and their facts), and the media (inputs) and
// labels that go with them. Files are read when first needed and kept.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { readNpy } = require('./npy.js');

function sha256(bytes) {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

class Fixtures {
  constructor(folder) {
    this.folder = path.resolve(folder);
    const manifestPath = path.join(this.folder, 'manifest.json');
    this.manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    if (this.manifest.formatVersion !== 1 || !Array.isArray(this.manifest.models)) {
      throw new Error(`${manifestPath}: not a version 1 fixtures manifest`);
    }
    this.cache = new Map();
  }

  // The manifest's entry of model `name`, or undefined.
  model(name) {
    return this.manifest.models.find((m) => m.name === name);
  }

  // The bytes of a file the manifest lists ({path, size, sha256}).
  bytes(file) {
    if (!this.cache.has(file.path)) {
      const full = path.resolve(this.folder, file.path);
      if (!full.startsWith(this.folder + path.sep)) throw new Error(`${file.path}: outside the fixtures folder`);
      this.cache.set(file.path, fs.readFileSync(full));
    }
    return this.cache.get(file.path);
  }

  npy(file) {
    const key = `npy:${file.path}`;
    if (!this.cache.has(key)) this.cache.set(key, readNpy(this.bytes(file), file.path));
    return this.cache.get(key);
  }

  // Sample `index` of a model's inputs, as one tensor {name, type, shape, bytes} with a
  // leading dimension of 1 (sample i is inputs[i:i+1]).
  sample(model, index) {
    const inputs = this.npy(model.inputs);
    if (!Number.isInteger(index) || index < 0 || index >= inputs.shape[0]) {
      throw new Error(`sample ${index}: ${model.name} has ${inputs.shape[0]} inputs`);
    }
    const shape = [1, ...inputs.shape.slice(1)];
    const count = shape.reduce((a, b) => a * b, 1);
    const values = inputs.data.subarray(index * count, (index + 1) * count);
    return {
      name: model.input.name,
      type: model.input.elementType,
      shape,
      bytes: Buffer.from(values.buffer, values.byteOffset, values.byteLength),
    };
  }
}

module.exports = { Fixtures, sha256 };
