// rp2040js_runner.mjs: runs a Kiln RP2040 image in rp2040js with UART0 on stdio or a TCP port.
//
//   node rp2040js_runner.mjs --bootrom bootrom.bin [--tcp PORT] [--timeout SECONDS] firmware.uf2|.bin
//
// --no-crystal makes the XOSC never report STABLE (a board without a working crystal), to test
// the firmware's fallback to the ring oscillator.
//
// Status goes to stderr as lines starting with "rp2040js: " (the Python wrapper parses them):
//   rp2040js: listening 127.0.0.1:<port>      (--tcp; the CPU starts when a client connects)
//   rp2040js: exit <code>                     firmware called hal_exit(code)   -> exit status code & 0xff
//   rp2040js: boot-failure bad-boot2-crc      stand-in bootrom rejected boot2  -> exit status 120
//   rp2040js: fault pc=0x... exception=<n>    firmware fault handler ran       -> exit status 121
//   rp2040js: stall                           waiting for input that cannot come -> exit status 122
//   rp2040js: timeout <seconds>               --timeout reached                -> exit status 124
//   rp2040js: error <message>                 emulator or load error           -> exit status 125 (2 for usage)
//   rp2040js: reset                           firmware reset the chip; it boots again and runs on
//
// Exit codes and faults travel through the watchdog: Kiln's HAL writes a reason to watchdog
// SCRATCH0..2 and triggers a watchdog reset (see ports/rp2/README.md).
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { ConsoleLogger, LogLevel, Simulator } from 'rp2040js';

const FLASH_BASE = 0x10000000;
const FLASH_SIZE = 16 * 1024 * 1024;
const RP2040_FAMILY_ID = 0xe48bff56;
const UF2_MAGIC0 = 0x0a324655;
const UF2_MAGIC1 = 0x9e5d5157;
const UF2_MAGIC_END = 0x0ab16f30;
const UF2_FLAG_NOT_MAIN_FLASH = 0x1;
const UF2_FLAG_FAMILY = 0x2000;
const WATCHDOG_PERIPHERAL = 0x40058; // rp2040js keys peripherals by address >>> 14 << 2
const XOSC_PERIPHERAL = 0x40024;
const SCRATCH_EXIT = 0x4b4c4558; // "KLEX", as in ports/rp2/rp2040.h
const SCRATCH_FAULT = 0x4b4c4654; // "KLFT"
const BKPT_BAD_BOOT2 = 0x42;
const NANOS_PER_CYCLE = 8; // rp2040js counts time at 125 MHz regardless of clk_sys
const CTRL_RIGHT_BRACKET = 0x1d; // interactive escape, as in telnet
const STATUS = { bootFailure: 120, fault: 121, stall: 122, timeout: 124, error: 125, usage: 2 };

function usage(message) {
  process.stderr.write(`rp2040js: error ${message}\n`);
  process.stderr.write(
    'usage: node rp2040js_runner.mjs [--bootrom FILE | --no-bootrom] [--tcp PORT] [--timeout SECONDS]\n' +
      '                                [--no-crystal] [--interactive | --no-interactive] FIRMWARE.uf2|.bin\n',
  );
  process.exit(STATUS.usage);
}

function parseArgs(argv) {
  const options = {
    bootrom: null,
    noBootrom: false,
    noCrystal: false,
    tcp: null,
    timeout: 0,
    interactive: null,
    firmware: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--bootrom') options.bootrom = value();
    else if (arg === '--no-bootrom') options.noBootrom = true;
    else if (arg === '--no-crystal') options.noCrystal = true;
    else if (arg === '--tcp') options.tcp = Number(value());
    else if (arg === '--timeout') options.timeout = Number(value());
    else if (arg === '--interactive') options.interactive = true;
    else if (arg === '--no-interactive') options.interactive = false;
    else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
    else if (options.firmware === null) options.firmware = arg;
    else usage(`unexpected argument ${arg}`);
  }
  if (options.firmware === null) usage('no firmware given');
  if (!options.bootrom && !options.noBootrom) usage('give --bootrom FILE (or --no-bootrom to skip boot2)');
  if (options.tcp !== null && !(Number.isInteger(options.tcp) && options.tcp >= 0 && options.tcp < 65536)) {
    usage('--tcp needs a port number 0-65535 (0 picks a free one)');
  }
  if (!(options.timeout >= 0)) usage('--timeout needs a number of seconds');
  if (options.interactive === null) options.interactive = options.tcp === null && !!process.stdin.isTTY;
  return options;
}

/** [{offset, bytes}] flash contents from a UF2 (checked) or a raw image placed at the start of flash. */
function loadImage(data, name) {
  if (!name.endsWith('.uf2')) {
    if (data.length > FLASH_SIZE) throw new Error(`${name} is larger than the 16 MiB flash window`);
    return [{ offset: 0, bytes: data }];
  }
  if (data.length === 0 || data.length % 512) throw new Error(`${name}: size ${data.length} is not a multiple of 512`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const chunks = [];
  for (let pos = 0; pos < data.length; pos += 512) {
    const word = (i) => view.getUint32(pos + 4 * i, true);
    const where = `${name}: block ${pos / 512}`;
    if (word(0) !== UF2_MAGIC0 || word(1) !== UF2_MAGIC1 || view.getUint32(pos + 508, true) !== UF2_MAGIC_END) {
      throw new Error(`${where}: bad magic`);
    }
    const [flags, address, size, , , family] = [word(2), word(3), word(4), word(5), word(6), word(7)];
    if (flags & UF2_FLAG_NOT_MAIN_FLASH) continue;
    if (flags & UF2_FLAG_FAMILY && family !== RP2040_FAMILY_ID) {
      throw new Error(`${where}: family 0x${family.toString(16)} is not RP2040 (0x${RP2040_FAMILY_ID.toString(16)})`);
    }
    if (size > 476 || address < FLASH_BASE || address + size > FLASH_BASE + FLASH_SIZE) {
      throw new Error(`${where}: ${size} bytes at 0x${address.toString(16)} do not fit the flash window`);
    }
    chunks.push({ offset: address - FLASH_BASE, bytes: data.subarray(pos + 32, pos + 32 + size) });
  }
  return chunks;
}

function bootromWords(path) {
  const bytes = readFileSync(path);
  if (bytes.length === 0 || bytes.length > 16 * 1024) throw new Error(`bootrom ${path} must be 1 byte to 16 KiB`);
  const padded = new Uint8Array((bytes.length + 3) & ~3);
  padded.set(bytes);
  return new Uint32Array(padded.buffer);
}

class Runner {
  constructor(options, image, bootrom) {
    this.options = options;
    this.image = image;
    this.bootrom = bootrom;
    this.input = [];
    this.inputClosed = false;
    this.output = [];
    this.sink = (bytes) => process.stdout.write(bytes);
    // Called with a callback once the last output is on its way (pipes may still hold bytes).
    this.drain = (done) => process.stdout.write('', done);
    this.event = null;
    this.idle = false;
    this.idleSince = 0;
    this.scheduled = false;
    this.started = false;
    this.finished = false;
    this.boot();
  }

  /** Runs the next slice soon; at most one slice is ever pending. */
  schedule() {
    if (this.scheduled || this.finished) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.run();
    });
  }

  /** A fresh chip for every (re)boot: rp2040js has no whole-chip reset that keeps flash. The
   * watchdog scratch words survive, as they do a watchdog reset on silicon. */
  boot() {
    const previous = this.mcu?.peripherals[WATCHDOG_PERIPHERAL];
    const sim = new Simulator();
    const mcu = sim.rp2040;
    mcu.logger = new ConsoleLogger(LogLevel.Error);
    if (this.bootrom) {
      mcu.loadBootrom(this.bootrom); // resets the core and erases flash, so flash comes after
    }
    for (const { offset, bytes } of this.image) mcu.flash.set(bytes, offset);
    if (!this.bootrom) {
      mcu.core.VTOR = FLASH_BASE + 0x100; // straight into the app, skipping boot2
      mcu.core.reset();
    }
    if (this.options.noCrystal) {
      const xosc = mcu.peripherals[XOSC_PERIPHERAL];
      const write = xosc.writeUint32.bind(xosc);
      xosc.writeUint32 = (offset, value) => {
        write(offset, value);
        xosc.stable = false;
      };
    }
    mcu.uart[0].onByte = (byte) => this.output.push(byte);
    mcu.onBreak = (code) => {
      this.event = code === BKPT_BAD_BOOT2 ? { kind: 'boot-failure' } : { kind: 'bkpt', code };
    };
    const watchdog = mcu.peripherals[WATCHDOG_PERIPHERAL];
    if (previous) {
      watchdog.scratchData.set(previous.scratchData);
      watchdog.reason = previous.reason;
    }
    watchdog.onWatchdogTrigger = () => {
      const [reason, value, detail] = watchdog.scratchData;
      if (reason === SCRATCH_EXIT) this.event = { kind: 'exit', code: value | 0 };
      else if (reason === SCRATCH_FAULT) this.event = { kind: 'fault', pc: value, exception: detail };
      else this.event = { kind: 'reset' };
    };
    this.sim = sim;
    this.mcu = mcu;
  }

  feed(bytes) {
    for (const byte of bytes) this.input.push(byte);
    if (this.idle) {
      this.idle = false;
      this.schedule();
    }
  }

  closeInput() {
    this.inputClosed = true;
    if (this.idle) {
      this.idle = false;
      this.schedule();
    }
  }

  flush() {
    if (this.output.length) {
      this.sink(Buffer.from(this.output));
      this.output = [];
    }
  }

  /** Bytes go in only while the UART can take them, at most a FIFO-full at a time. */
  pumpInput() {
    const uart = this.mcu.uart[0];
    if (!uart.enabled || !uart.rxEnabled) return;
    while (this.input.length && !uart.rxFIFO.full) uart.feedByte(this.input.shift());
  }

  run() {
    if (this.finished) return;
    this.started = true;
    const { core } = this.mcu;
    const { clock } = this.sim;
    if (this.idleSince) {
      // The chip slept (WFI, nothing armed) while we waited for input: its TIMER kept counting.
      clock.tick(Math.round((performance.now() - this.idleSince) * 1e6));
      this.idleSince = 0;
    }
    const sliceEnd = Date.now() + 20;
    try {
      for (let steps = 1; this.event === null; steps++) {
        if ((steps & 0xff) === 0 && this.input.length) this.pumpInput();
        if (core.waiting) {
          this.pumpInput();
          // WFI also ends on an interrupt that is pending but masked by PRIMASK (rp2040js misses it).
          if (core.pendingInterrupts & core.enabledInterrupts) {
            core.waiting = false;
          } else if (clock.nextAlarm) {
            clock.tick(clock.nanosToNextAlarm);
          } else {
            this.flush();
            if (this.input.length === 0 && this.inputClosed) {
              this.finish(STATUS.stall, 'stall');
            } else {
              this.idle = true; // resumed by feed() or closeInput()
              this.idleSince = performance.now();
            }
            return;
          }
        } else {
          clock.tick(core.executeInstruction() * NANOS_PER_CYCLE);
        }
        if ((steps & 0xfff) === 0 && Date.now() > sliceEnd) break;
      }
    } catch (error) {
      this.flush();
      this.finish(STATUS.error, `error ${error.message} (pc=0x${(core.PC >>> 0).toString(16)})`);
      return;
    }
    this.flush();
    if (this.event !== null) {
      this.handleEvent();
    } else {
      this.schedule();
    }
  }

  handleEvent() {
    const event = this.event;
    this.event = null;
    switch (event.kind) {
      case 'exit':
        this.finish(event.code & 0xff, `exit ${event.code}`);
        return;
      case 'boot-failure':
        this.finish(STATUS.bootFailure, 'boot-failure bad-boot2-crc');
        return;
      case 'fault':
        this.finish(STATUS.fault, `fault pc=0x${(event.pc >>> 0).toString(16)} exception=${event.exception}`);
        return;
      case 'bkpt': {
        const pc = (this.mcu.core.PC - this.mcu.core.breakRewind) >>> 0;
        this.finish(STATUS.fault, `fault bkpt=0x${event.code.toString(16)} pc=0x${pc.toString(16)}`);
        return;
      }
      default:
        process.stderr.write('rp2040js: reset\n');
        this.boot();
        this.schedule();
    }
  }

  finish(status, message) {
    if (this.finished) return;
    this.finished = true;
    process.stderr.write(`rp2040js: ${message}\n`);
    process.exitCode = status;
    setTimeout(() => process.exit(status), 2000).unref(); // in case a peer never acknowledges
    this.drain(() => process.exit(status));
  }
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  let image;
  let bootrom = null;
  try {
    image = loadImage(readFileSync(options.firmware), options.firmware);
    if (!options.noBootrom) bootrom = bootromWords(options.bootrom);
  } catch (error) {
    process.stderr.write(`rp2040js: error ${error.message}\n`);
    process.exit(STATUS.error);
  }
  const runner = new Runner(options, image, bootrom);
  if (options.timeout > 0) {
    setTimeout(() => {
      runner.flush();
      runner.finish(STATUS.timeout, `timeout ${options.timeout}`);
    }, options.timeout * 1000).unref();
  }

  if (options.tcp !== null) {
    let client = null;
    runner.sink = (bytes) => client?.write(bytes);
    runner.drain = (done) => (client ? client.end(done) : done());
    const server = net.createServer((socket) => {
      if (client) {
        socket.end();
        return;
      }
      client = socket;
      socket.setNoDelay(true);
      socket.on('data', (bytes) => runner.feed(bytes));
      socket.on('close', () => {
        client = null;
      });
      socket.on('error', () => {});
      if (!runner.started) runner.schedule(); // like QEMU's wait=on: the CPU starts with the first client
    });
    server.listen(options.tcp, '127.0.0.1', () => {
      process.stderr.write(`rp2040js: listening 127.0.0.1:${server.address().port}\n`);
    });
    return;
  }

  if (options.interactive && process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.on('data', (bytes) => {
    if (options.interactive && bytes.includes(CTRL_RIGHT_BRACKET)) {
      runner.flush();
      runner.finish(130, 'quit');
      return;
    }
    runner.feed(bytes);
  });
  process.stdin.on('end', () => runner.closeInput());
  process.stdout.on('error', () => process.exit(STATUS.error));
  runner.schedule();
}

main();
