'use strict';
// NumPy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html),
// the little that this harness needs: reading the exported inputs and labels, and writing
// inference outputs (the `output` attachment of step 20b).

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

// dtype strings this harness reads and writes, with the typed array each one maps to.
const DTYPES = {
  '<f4': { size: 4, read: (view, at) => view.getFloat32(at, true), array: Float32Array },
  '<f8': { size: 8, read: (view, at) => view.getFloat64(at, true), array: Float64Array },
  '<i4': { size: 4, read: (view, at) => view.getInt32(at, true), array: Int32Array },
  '<i8': { size: 8, read: (view, at) => Number(view.getBigInt64(at, true)), array: Float64Array },
  '|u1': { size: 1, read: (view, at) => view.getUint8(at), array: Uint8Array },
  '|i1': { size: 1, read: (view, at) => view.getInt8(at), array: Int8Array },
};

// {dtype, shape, data}: data is a typed array of the elements in C order (int64 values
// become plain numbers in a Float64Array; labels are small).
function readNpy(buffer, where = '.npy') {
  if (buffer.length < 10 || !buffer.subarray(0, 6).equals(MAGIC)) {
    throw new Error(`${where}: not a .npy file`);
  }
  const major = buffer[6];
  let headerLength;
  let offset;
  if (major === 1) {
    headerLength = buffer.readUInt16LE(8);
    offset = 10;
  } else if (major === 2 || major === 3) {
    headerLength = buffer.readUInt32LE(8);
    offset = 12;
  } else {
    throw new Error(`${where}: .npy version ${major} is not supported`);
  }
  const header = buffer.subarray(offset, offset + headerLength).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeText) throw new Error(`${where}: unreadable header ${header}`);
  if (fortran[1] === 'True') throw new Error(`${where}: Fortran order is not supported`);
  const dtype = DTYPES[descr[1]];
  if (!dtype) throw new Error(`${where}: dtype ${descr[1]} is not supported`);
  const shape = shapeText[1].split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = offset + headerLength;
  if (buffer.length !== start + count * dtype.size) {
    throw new Error(`${where}: ${buffer.length - start} data bytes for ${count} elements of ${descr[1]}`);
  }
  const view = new DataView(buffer.buffer, buffer.byteOffset + start, count * dtype.size);
  const data = new dtype.array(count);
  for (let i = 0; i < count; i += 1) data[i] = dtype.read(view, i * dtype.size);
  return { dtype: descr[1], shape, data };
}

// A .npy (version 1.0) of a little-endian float32 array, as numpy.save writes it.
function writeNpyFloat32(data, shape) {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`;
  const unpadded = MAGIC.length + 4 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  MAGIC.copy(prefix, 0);
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(data.length * 4);
  for (let i = 0; i < data.length; i += 1) body.writeFloatLE(data[i], i * 4);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]);
}

module.exports = { readNpy, writeNpyFloat32 };
