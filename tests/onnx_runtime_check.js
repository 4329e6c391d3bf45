// Runs an exported ONNX model in ONNX Runtime (the npm package onnxruntime-web, its WebAssembly
// build under Node.js) over IDX images and compares it with `mlp predict --proba`'s CSV:
//   node onnx_runtime_check.js ORT_DIR MODEL.onnx IMAGES.idx[.gz] PREDICT.csv
// ORT_DIR holds node_modules/onnxruntime-web. Prints one line, "samples N, labels equal M,
// max |p - p_mlp| D", and exits 1 unless every label is equal and D <= 1e-5.
"use strict";
const fs = require("fs"), path = require("path"), zlib = require("zlib");
const [ortDir, modelPath, imagesPath, predictPath] = process.argv.slice(2);
const ort = require(path.join(path.resolve(ortDir), "node_modules", "onnxruntime-web"));

function readIdxImages(file) {
    let data = fs.readFileSync(file);
    if (data[0] === 0x1f && data[1] === 0x8b) data = zlib.gunzipSync(data);
    if (data[0] !== 0 || data[1] !== 0 || data[2] !== 8) throw new Error(`${file}: not IDX ubyte`);
    const dims = [];
    for (let i = 0; i < data[3]; i++) dims.push(data.readUInt32BE(4 + 4 * i));
    const count = dims[0], features = dims.slice(1).reduce((a, b) => a * b, 1);
    const offset = 4 + 4 * dims.length;
    const x = new Float32Array(count * features);
    for (let i = 0; i < x.length; i++) x[i] = data[offset + i];
    return { x, count, features };
}

// A CSV line of plain fields (mlp predict quotes only names holding a comma or a quote).
function fields(line) {
    const out = [];
    let field = "", quoted = false;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quoted) {
            if (c === '"' && line[i + 1] === '"') field += '"', i++;
            else if (c === '"') quoted = false;
            else field += c;
        } else if (c === '"') quoted = true;
        else if (c === ",") out.push(field), field = "";
        else field += c;
    }
    out.push(field);
    return out;
}

async function main() {
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(fs.readFileSync(modelPath));
    const { x, count, features } = readIdxImages(imagesPath);
    const lines = fs.readFileSync(predictPath, "utf8").split("\n").filter((l) => l.length);
    const names = fields(lines[0]).slice(2);
    if (lines.length - 1 !== count) throw new Error(`${predictPath}: ${lines.length - 1} rows, ${count} images`);
    let equal = 0, worst = 0;
    const batch = 1000;
    for (let first = 0; first < count; first += batch) {
        const n = Math.min(batch, count - first);
        const input = new ort.Tensor("float32", x.subarray(first * features, (first + n) * features), [n, features]);
        const out = await session.run({ input });
        const p = out.probabilities.data, label = out.label.data, k = out.probabilities.dims[1];
        for (let i = 0; i < n; i++) {
            const row = fields(lines[1 + first + i]);
            if (names[Number(label[i])] === row[1]) equal++;
            for (let j = 0; j < k; j++) worst = Math.max(worst, Math.abs(p[i * k + j] - Number(row[2 + j])));
        }
    }
    console.log(`samples ${count}, labels equal ${equal}, max |p - p_mlp| ${worst.toExponential(2)}`);
    process.exit(equal === count && worst <= 1e-5 ? 0 : 1);
}
main().catch((e) => { console.error(String(e && e.stack || e)); process.exit(2); });
