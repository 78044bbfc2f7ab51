// uf2_decode.mjs: decodes a UF2 file with the third-party `uf2` npm package and prints its blocks as JSON.
import { readFileSync } from 'node:fs';
import { decodeBlock, familyMap, isUF2Block, blockSize } from 'uf2';

const data = new Uint8Array(readFileSync(process.argv[2]));
const blocks = [];
for (let offset = 0; offset < data.length; offset += blockSize) {
  const raw = data.subarray(offset, offset + blockSize);
  if (!isUF2Block(raw)) {
    console.error(`not a UF2 block at offset ${offset}`);
    process.exit(1);
  }
  const block = decodeBlock(raw);
  blocks.push({
    flags: block.flags,
    address: block.flashAddress,
    size: block.payload.length,
    number: block.blockNumber,
    total: block.totalBlocks,
    family: block.boardFamily,
    familyName: familyMap.get(block.boardFamily) ?? null,
    payloadHex: Buffer.from(block.payload).toString('hex'),
  });
}
console.log(JSON.stringify(blocks));
