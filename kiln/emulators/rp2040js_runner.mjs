// rp2040js_runner.mjs: runs a Kiln RP2040 image in rp2040js with UART0 on stdio or a TCP port,
// and optionally a USB host with the device's CDC port on an RFC 2217 TCP port.
//
//   node rp2040js_runner.mjs --bootrom bootrom.bin [--tcp PORT] [--usb-tcp PORT] [--bench]
//                            [--timeout SECONDS] firmware.uf2|.bin
//
// --no-crystal makes the XOSC never report STABLE (a board without a working crystal), to test
// the firmware's fallback to the ring oscillator.
// --bench attaches the driver self-test's bench (see attachBench): UART1 looped back, I2C and SPI
// devices, ADC inputs, wires between GPIOs, pulls on undriven pins.
// --usb-tcp PORT enumerates the firmware's USB device and serves its CDC-ACM interface on
// 127.0.0.1:PORT (0 = any) speaking RFC 2217, so a client sets baud rate and DTR/RTS
// (pyserial: rfc2217://127.0.0.1:PORT). A client connecting raises DTR, disconnecting drops it.
//
// Status goes to stderr as lines starting with "rp2040js: " (the Python wrapper parses them):
//   rp2040js: listening 127.0.0.1:<port>      (--tcp; the CPU starts when a client connects)
//   rp2040js: exit <code>                     firmware called hal_exit(code)   -> exit status code & 0xff
//   rp2040js: boot-failure bad-boot2-crc      stand-in bootrom rejected boot2  -> exit status 120
//   rp2040js: fault pc=0x... exception=<n>    firmware fault handler ran       -> exit status 121
//   rp2040js: stall                           waiting for input that cannot come -> exit status 122
//   rp2040js: timeout <seconds>               --timeout reached                -> exit status 124
//   rp2040js: error <message>                 emulator or load error           -> exit status 125 (2 for usage)
//   rp2040js: bootsel gpio_mask=0x.. disable_mask=0x..  firmware called the ROM's reset_usb_boot
//                                             (the stand-in bootrom's "UB" entry) -> exit status 123
//   rp2040js: reset                           firmware reset the chip; it boots again and runs on
//   rp2040js: usb-listening 127.0.0.1:<port>  (--usb-tcp) the CDC port's RFC 2217 server
//   rp2040js: usb-enumerated {json}           descriptors read during enumeration (hex), address
//   rp2040js: usb-line-coding <hex>           GET_LINE_CODING after the client set the port up
//   rp2040js: usb-line-state <dtr|rts bits>   the device accepted SET_CONTROL_LINE_STATE
//   rp2040js: usb-error <message>             the device broke the protocol (the run goes on)
//
// Exit codes and faults travel through the watchdog: Kiln's HAL writes a reason to watchdog
// SCRATCH0..2 and triggers a watchdog reset (see ports/rp2/README.md).
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { ConsoleLogger, GPIOPinState, LogLevel, Simulator } from 'rp2040js';

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
const BKPT_USB_BOOT = 0x43; // the stand-in bootrom's reset_usb_boot
const NANOS_PER_CYCLE = 8; // rp2040js counts time at 125 MHz regardless of clk_sys
const CTRL_RIGHT_BRACKET = 0x1d; // interactive escape, as in telnet
const STATUS = { bootFailure: 120, fault: 121, stall: 122, bootsel: 123, timeout: 124, error: 125, usage: 2 };

function usage(message) {
  process.stderr.write(`rp2040js: error ${message}\n`);
  process.stderr.write(
    'usage: node rp2040js_runner.mjs [--bootrom FILE | --no-bootrom] [--tcp PORT] [--timeout SECONDS]\n' +
      '                                [--usb-tcp PORT] [--bench] [--no-crystal]\n' +
      '                                [--interactive | --no-interactive] FIRMWARE.uf2|.bin\n',
  );
  process.exit(STATUS.usage);
}

function parseArgs(argv) {
  const options = {
    bootrom: null,
    noBootrom: false,
    noCrystal: false,
    bench: false,
    tcp: null,
    usbTcp: null,
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
    else if (arg === '--usb-tcp') options.usbTcp = Number(value());
    else if (arg === '--bench') options.bench = true;
    else if (arg === '--timeout') options.timeout = Number(value());
    else if (arg === '--interactive') options.interactive = true;
    else if (arg === '--no-interactive') options.interactive = false;
    else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
    else if (options.firmware === null) options.firmware = arg;
    else usage(`unexpected argument ${arg}`);
  }
  if (options.firmware === null) usage('no firmware given');
  if (!options.bootrom && !options.noBootrom) usage('give --bootrom FILE (or --no-bootrom to skip boot2)');
  for (const [name, port] of [['--tcp', options.tcp], ['--usb-tcp', options.usbTcp]]) {
    if (port !== null && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
      usage(`${name} needs a port number 0-65535 (0 picks a free one)`);
    }
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

// -- the self-test bench (--bench) ---------------------------------------------------------------

/** Wires between GPIOs (output of the first drives the input of the second) for the self-test. */
const BENCH_WIRES = [
  [14, 15], // GPIO edges and levels
  [12, 13], // PWM slice 6 A measured by GPIO edge interrupts
];
const BENCH_ADC = [1234, 0, 2048, 4095, 891]; // channel 4: 0.718 V, about 20 degrees C
const I2C_EEPROM = 0x50; // 256-byte memory: first written byte sets the address
const I2C_NACKS_SECOND_BYTE = 0x51;
const I2C_STALLS = 0x52; // on I2C1: never completes the address phase (holds the bus)

/** A board's worth of wiring: each pad's level is its own output when it drives, else the output of
 * the pin wired to it, else its pull. Inputs change only when that level changes (rp2040js latches
 * an edge on every setInputValue). */
function attachGpioModel(mcu) {
  const driverOf = new Map(BENCH_WIRES.map(([from, to]) => [to, from]));
  const fanout = new Map();
  for (const [from, to] of BENCH_WIRES) fanout.set(from, [...(fanout.get(from) ?? []), to]);
  const drivenLevel = (pin) => {
    const state = mcu.gpio[pin].value;
    if (state === GPIOPinState.High) return true;
    if (state === GPIOPinState.Low) return false;
    return null;
  };
  const update = (pin) => {
    const gpio = mcu.gpio[pin];
    let level = drivenLevel(pin);
    if (level === null && driverOf.has(pin)) level = drivenLevel(driverOf.get(pin));
    if (level === null) {
      if (gpio.value === GPIOPinState.InputPullUp) level = true;
      else if (gpio.value === GPIOPinState.InputPullDown) level = false;
      else return; // floating or bus keeper: keeps its last level
    }
    if (gpio.rawInputValue !== level) gpio.setInputValue(level);
  };
  for (let pin = 0; pin < mcu.gpio.length; pin++) {
    mcu.gpio[pin].addListener(() => {
      update(pin);
      for (const to of fanout.get(pin) ?? []) update(to);
    });
  }
}

/** I2C devices answering through rp2040js's controller callbacks. */
function attachI2cDevices(i2c, devices) {
  let device = null;
  let index = 0;
  i2c.onConnect = (address) => {
    device = devices[address] ?? null;
    index = 0;
    if (device?.stall) return; // never acknowledges or refuses: the controller waits for ever
    i2c.completeConnect(device !== null);
  };
  i2c.onWriteByte = (value) => i2c.completeWrite(device.write(value, index++));
  i2c.onReadByte = () => i2c.completeRead(device.read());
  i2c.onStop = () => {
    device = null;
    i2c.completeStop();
  };
}

function eeprom() {
  const memory = new Uint8Array(256);
  let pointer = 0;
  return {
    write(value, index) {
      if (index === 0) pointer = value;
      else memory[pointer++ & 0xff] = value;
      return true;
    },
    read() {
      return memory[pointer++ & 0xff];
    },
  };
}

function attachBench(mcu) {
  mcu.uart[1].onByte = (byte) => mcu.uart[1].feedByte(byte); // TX looped back to RX
  attachI2cDevices(mcu.i2c[0], {
    [I2C_EEPROM]: eeprom(),
    [I2C_NACKS_SECOND_BYTE]: { write: (_value, index) => index < 1, read: () => 0xff },
  });
  attachI2cDevices(mcu.i2c[1], { [I2C_STALLS]: { stall: true } });
  mcu.spi[0].onTransmit = (value) => mcu.spi[0].completeTransmit(~value & 0xff); // answers the complement
  mcu.adc.channelValues = [...BENCH_ADC];
  attachGpioModel(mcu);
}

// -- USB host with a CDC-ACM client ----------------------------------------------------------------

const USB_SETUP_TIMEOUT_NS = 5_000_000; // a control transfer the device neither answers nor stalls
const DEVICE_ADDRESS = 5;
const CDC_SET_LINE_CODING = 0x20;
const CDC_GET_LINE_CODING = 0x21;
const CDC_SET_CONTROL_LINE_STATE = 0x22;
const EP_CTRL_BUFFER_STALL = 1 << 11;

function setupPacket(bmRequestType, bRequest, wValue, wIndex, wLength) {
  return new Uint8Array([bmRequestType, bRequest, wValue & 0xff, wValue >> 8, wIndex & 0xff, wIndex >> 8,
    wLength & 0xff, wLength >> 8]);
}

function hex(bytes) {
  return Buffer.from(bytes).toString('hex');
}

/** Bulk endpoints of the first CDC data interface (class 0x0a) in a configuration descriptor. */
function cdcEndpoints(config) {
  const found = { in: -1, out: -1, comm: -1 };
  let inData = false;
  for (let at = 0; at + 2 <= config.length && config[at] >= 2; at += config[at]) {
    const [length, type] = [config[at], config[at + 1]];
    if (type === 4 && length >= 9) {
      inData = config[at + 5] === 0x0a;
      if (config[at + 5] === 0x02 && found.comm < 0) found.comm = config[at + 2];
    }
    if (type === 5 && length >= 7 && inData && (config[at + 3] & 3) === 2) {
      if (config[at + 2] & 0x80) found.in = config[at + 2] & 0x0f;
      else found.out = config[at + 2] & 0x0f;
    }
  }
  return found;
}

/** The host side of rp2040js's USB controller: enumerates the device like an operating system
 * (with strictness a real host has: every transfer must complete, the address must be applied after
 * the status stage), then runs the CDC class requests and bulk data for a client. */
class UsbHost {
  constructor(mcu, clock, report) {
    this.usb = mcu.usbCtrl;
    this.mcu = mcu;
    this.report = report;
    this.wake = () => {};
    this.onData = () => {};
    this.queue = [];
    this.transfer = null;
    this.bulkOut = [];
    this.outRequested = 0;
    this.endpoints = null;
    this.configured = false;
    this.lineState = 0;
    this.lineCoding = { baud: 115200, stopBits: 0, parity: 0, dataBits: 8 };
    this.timeoutAlarm = clock.createAlarm(() => this.transferTimedOut());
    this.usb.onUSBEnabled = () => this.usb.resetDevice();
    this.usb.onResetReceived = () => this.enumerate();
    this.usb.onEndpointWrite = (ep, data) => this.endpointWrite(ep, data);
    this.usb.onEndpointRead = (ep, size) => this.endpointRead(ep, size);
  }

  /** A control transfer; `data` for OUT, `length` for IN. Resolves with the IN data, or 'stall'. */
  control(request, { data = null, length = 0 } = {}) {
    return new Promise((resolve) => {
      this.queue.push({ request, data, length, resolve });
      this.next();
    });
  }

  next() {
    if (this.transfer || !this.queue.length) return;
    this.wake(); // first: an idle runner's clock catches up before the timeout is armed
    const t = this.queue.shift();
    this.transfer = { ...t, received: [], dataDone: false, statusPending: false };
    const [type, , , , , , lo, hi] = t.request;
    this.transfer.in = (type & 0x80) !== 0;
    this.transfer.wLength = lo | (hi << 8);
    this.timeoutAlarm.schedule(USB_SETUP_TIMEOUT_NS);
    this.usb.sendSetupPacket(t.request);
    this.wake();
  }

  finish(result) {
    const t = this.transfer;
    this.transfer = null;
    this.timeoutAlarm.cancel();
    t.resolve(result);
    this.next();
  }

  transferTimedOut() {
    const t = this.transfer;
    if (!t) return;
    const dpram = this.mcu.usbDPRAMView;
    const stalled = (this.usb.epStallArm & 3) && (dpram.getUint32(0x80, true) & EP_CTRL_BUFFER_STALL ||
      dpram.getUint32(0x84, true) & EP_CTRL_BUFFER_STALL);
    if (stalled) {
      this.finish('stall');
      return;
    }
    this.report('usb-error', `control transfer ${hex(t.request)} not answered`);
    this.finish('timeout');
  }

  endpointWrite(ep, data) {
    if (ep === 0) {
      const t = this.transfer;
      if (!t) {
        this.report('usb-error', `EP0 IN packet of ${data.length} bytes outside a control transfer`);
        return;
      }
      if (!t.in) {
        if (data.length !== 0) this.report('usb-error', 'status stage of a control OUT transfer had data');
        this.finish(new Uint8Array(0)); // status stage of an OUT transfer
        return;
      }
      t.received.push(...data);
      if (data.length < 64 || t.received.length >= t.wLength) {
        t.dataDone = true;
        if (t.statusPending) this.completeInStatus();
      }
      return;
    }
    if (this.endpoints && ep === this.endpoints.in) this.onData(data);
  }

  completeInStatus() {
    this.usb.endpointReadDone(0, new Uint8Array(0));
    this.finish(new Uint8Array(this.transfer.received));
  }

  endpointRead(ep, size) {
    if (ep === 0) {
      const t = this.transfer;
      if (!t) {
        this.report('usb-error', 'EP0 OUT armed outside a control transfer');
        return;
      }
      if (t.in) {
        // Status stage of an IN transfer: only once every data packet has arrived.
        t.statusPending = true;
        if (t.dataDone) this.completeInStatus();
      } else {
        if (size < (t.data?.length ?? 0)) this.report('usb-error', `EP0 OUT armed for ${size} bytes`);
        this.usb.endpointReadDone(0, t.data ?? new Uint8Array(0));
      }
      return;
    }
    if (this.endpoints && ep === this.endpoints.out) {
      this.outRequested = size;
      this.pumpOut();
    }
  }

  /** Client bytes to the device, one packet per OUT buffer the device arms. */
  send(bytes) {
    for (const b of bytes) this.bulkOut.push(b);
    this.pumpOut();
  }

  pumpOut() {
    if (!this.outRequested || !this.bulkOut.length || !this.endpoints) return;
    this.wake();
    const chunk = new Uint8Array(this.bulkOut.splice(0, Math.min(this.outRequested, 64)));
    this.outRequested = 0;
    this.usb.endpointReadDone(this.endpoints.out, chunk);
  }

  async enumerate() {
    const device64 = await this.control(setupPacket(0x80, 6, 0x0100, 0, 64), { length: 64 });
    if (!(device64 instanceof Uint8Array) || device64.length < 8) {
      this.report('usb-error', 'no device descriptor');
      return;
    }
    await this.control(setupPacket(0x00, 5, DEVICE_ADDRESS, 0, 0));
    const address = this.usb.addrEndp & 0x7f;
    const device = await this.control(setupPacket(0x80, 6, 0x0100, 0, 18), { length: 18 });
    const head = await this.control(setupPacket(0x80, 6, 0x0200, 0, 9), { length: 9 });
    const total = head[2] | (head[3] << 8);
    const config = await this.control(setupPacket(0x80, 6, 0x0200, 0, total), { length: total });
    const strings = {};
    const langs = await this.control(setupPacket(0x80, 6, 0x0300, 0, 255), { length: 255 });
    strings[0] = hex(langs);
    for (const index of [device[14], device[15], device[16]]) {
      if (index) strings[index] = hex(await this.control(setupPacket(0x80, 6, 0x0300 | index, 0x0409, 255), { length: 255 }));
    }
    const qualifier = await this.control(setupPacket(0x80, 6, 0x0600, 0, 10), { length: 10 });
    this.endpoints = cdcEndpoints(config); // before SET_CONFIGURATION: the device arms its OUT endpoint then
    await this.control(setupPacket(0x00, 9, 1, 0, 0));
    const configuration = await this.control(setupPacket(0x80, 8, 0, 0, 1), { length: 1 });
    const comm = Math.max(this.endpoints.comm, 0);
    const coding = await this.control(setupPacket(0xa1, CDC_GET_LINE_CODING, 0, comm, 7), { length: 7 });
    this.configured = true;
    this.report('usb-enumerated', JSON.stringify({
      device64: hex(device64), address, device: hex(device), config: hex(config), strings,
      qualifier: qualifier === 'stall' ? 'stall' : hex(qualifier), configuration: hex(configuration),
      line_coding: hex(coding), endpoints: this.endpoints,
    }));
    if (this.wantLineState !== undefined) this.applyLineState();
  }

  /** The client's view of the port: baud rate etc. and DTR/RTS, sent as CDC class requests. */
  setLineCoding(coding) {
    Object.assign(this.lineCoding, coding);
    if (!this.configured) return;
    const { baud, stopBits, parity, dataBits } = this.lineCoding;
    const data = new Uint8Array([baud & 0xff, (baud >> 8) & 0xff, (baud >> 16) & 0xff, baud >>> 24, stopBits, parity,
      dataBits]);
    const comm = Math.max(this.endpoints.comm, 0);
    this.control(setupPacket(0x21, CDC_SET_LINE_CODING, 0, comm, 7), { data });
    // Read it back, as some hosts do: tests see what the device stored.
    this.control(setupPacket(0xa1, CDC_GET_LINE_CODING, 0, comm, 7), { length: 7 })
      .then((stored) => this.report('usb-line-coding', stored instanceof Uint8Array ? hex(stored) : stored));
  }

  setLineState(value) {
    this.wantLineState = value;
    if (this.configured) this.applyLineState();
  }

  applyLineState() {
    if (this.wantLineState === this.lineState) return;
    const value = (this.lineState = this.wantLineState);
    this.control(setupPacket(0x21, CDC_SET_CONTROL_LINE_STATE, value, Math.max(this.endpoints.comm, 0), 0))
      .then((result) => this.report('usb-line-state', result instanceof Uint8Array ? value : result));
  }
}

// -- RFC 2217 (telnet COM port control) for the CDC port -------------------------------------------

const IAC = 255;
const SB = 250;
const SE = 240;
const WILL = 251;
const WONT = 252;
const DO = 253;
const DONT = 254;
const COM_PORT_OPTION = 44;
const SET_BAUDRATE = 1;
const SET_DATASIZE = 2;
const SET_PARITY = 3;
const SET_STOPSIZE = 4;
const SET_CONTROL = 5;
const SERVER_OFFSET = 100; // the server's answer to command n is n + 100
const CONTROL_DTR_ON = 8;
const CONTROL_DTR_OFF = 9;
const CONTROL_RTS_ON = 11;
const CONTROL_RTS_OFF = 12;
const SUPPORTED_OPTIONS = new Set([0 /* binary */, 1 /* echo */, 3 /* suppress go-ahead */, COM_PORT_OPTION]);

/** One client connection: telnet negotiation, RFC 2217 port settings, data with IAC escaping. */
class Rfc2217Session {
  constructor(socket, port) {
    this.socket = socket;
    this.port = port; // { send(bytes), setLineCoding(obj), setLineState(dtrRts), lineState }
    this.state = 'data';
    this.sub = [];
    this.answered = new Set();
    this.dtrRts = 3; // opening a tty raises DTR and RTS
  }

  write(bytes) {
    const out = [];
    for (const b of bytes) {
      out.push(b);
      if (b === IAC) out.push(IAC);
    }
    this.socket.write(Buffer.from(out));
  }

  receive(bytes) {
    const data = [];
    for (const b of bytes) {
      switch (this.state) {
        case 'data':
          if (b === IAC) this.state = 'iac';
          else data.push(b);
          break;
        case 'iac':
          if (b === IAC) {
            data.push(IAC);
            this.state = 'data';
          } else if (b === SB) {
            this.sub = [];
            this.state = 'sb';
          } else if (b >= WILL && b <= DONT) {
            this.state = b;
          } else {
            this.state = 'data';
          }
          break;
        case 'sb':
          if (b === IAC) this.state = 'sb-iac';
          else this.sub.push(b);
          break;
        case 'sb-iac':
          if (b === SE) {
            this.subnegotiation(this.sub);
            this.state = 'data';
          } else {
            this.sub.push(b);
            this.state = 'sb';
          }
          break;
        default: // after WILL/WONT/DO/DONT: the option byte
          this.negotiate(this.state, b);
          this.state = 'data';
      }
    }
    if (data.length) this.port.send(data);
  }

  negotiate(verb, option) {
    const key = `${verb}:${option}`;
    if (this.answered.has(key)) return;
    this.answered.add(key);
    const yes = SUPPORTED_OPTIONS.has(option);
    if (verb === DO) this.socket.write(Buffer.from([IAC, yes ? WILL : WONT, option]));
    else if (verb === WILL) this.socket.write(Buffer.from([IAC, yes ? DO : DONT, option]));
  }

  subnegotiation(sub) {
    if (sub[0] !== COM_PORT_OPTION || sub.length < 2) return;
    const [, command, ...value] = sub;
    let answer = value;
    if (command === SET_BAUDRATE && value.length === 4) {
      const baud = ((value[0] << 24) | (value[1] << 16) | (value[2] << 8) | value[3]) >>> 0;
      if (baud) this.port.setLineCoding({ baud });
      const b = baud || this.port.lineCoding.baud;
      answer = [(b >>> 24) & 0xff, (b >> 16) & 0xff, (b >> 8) & 0xff, b & 0xff];
    } else if (command === SET_DATASIZE && value.length === 1 && value[0]) {
      this.port.setLineCoding({ dataBits: value[0] });
    } else if (command === SET_PARITY && value.length === 1 && value[0]) {
      this.port.setLineCoding({ parity: value[0] - 1 }); // RFC 2217: 1 none, 2 odd, 3 even, 4 mark, 5 space
    } else if (command === SET_STOPSIZE && value.length === 1 && value[0]) {
      this.port.setLineCoding({ stopBits: { 1: 0, 2: 2, 3: 1 }[value[0]] ?? 0 });
    } else if (command === SET_CONTROL && value.length === 1) {
      const bits = { [CONTROL_DTR_ON]: [1, 1], [CONTROL_DTR_OFF]: [1, 0], [CONTROL_RTS_ON]: [2, 2], [CONTROL_RTS_OFF]: [2, 0] };
      if (bits[value[0]]) {
        const [mask, set] = bits[value[0]];
        this.dtrRts = (this.dtrRts & ~mask) | set;
        this.port.setLineState(this.dtrRts);
      }
    }
    const reply = [IAC, SB, COM_PORT_OPTION, command + SERVER_OFFSET];
    for (const b of answer) {
      reply.push(b);
      if (b === IAC) reply.push(IAC);
    }
    reply.push(IAC, SE);
    this.socket.write(Buffer.from(reply));
  }
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
    this.usbHost = null;
    this.usbClient = null; // the RFC 2217 session of the CDC port's client, if one is connected
    this.boot();
  }

  report(kind, rest) {
    process.stderr.write(`rp2040js: ${kind} ${rest}\n`);
  }

  /** Resumes a runner that went idle waiting for input (UART bytes, USB traffic). The clock catches
   * up at once, so alarms scheduled right after this call count from the real present. */
  wakeUp() {
    if (this.idle) {
      this.idle = false;
      this.catchUp();
      this.schedule();
    }
  }

  /** The chip slept (WFI, nothing armed) while we waited for input: its TIMER kept counting. */
  catchUp() {
    if (this.idleSince) {
      this.sim.clock.tick(Math.round((performance.now() - this.idleSince) * 1e6));
      this.idleSince = 0;
    }
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
      if (code === BKPT_BAD_BOOT2) this.event = { kind: 'boot-failure' };
      else if (code === BKPT_USB_BOOT) {
        this.event = { kind: 'bootsel', gpioMask: mcu.core.registers[0], disableMask: mcu.core.registers[1] };
      } else this.event = { kind: 'bkpt', code };
    };
    if (this.options.bench) attachBench(mcu);
    if (this.options.usbTcp !== null) {
      const host = new UsbHost(mcu, sim.clock, (kind, rest) => this.report(kind, rest));
      host.wake = () => this.wakeUp();
      host.onData = (data) => this.usbClient?.write(data);
      if (this.usbHost) host.lineCoding = this.usbHost.lineCoding; // the host keeps the port's settings
      if (this.usbClient) host.setLineState(this.usbClient.dtrRts);
      this.usbHost = host;
    }
    const watchdog = mcu.peripherals[WATCHDOG_PERIPHERAL];
    if (previous) {
      watchdog.scratchData.set(previous.scratchData);
      watchdog.reason = previous.reason;
    }
    watchdog.onWatchdogTrigger = () => {
      // The chip resets: stop the watchdog's counter. (rp2040js re-arms a timed-out watchdog at
      // 0 ns from now and would fire it for ever inside one clock tick.)
      watchdog.alarm.enable = false;
      watchdog.timer.enable = false;
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
    this.catchUp();
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
      case 'bootsel':
        this.finish(STATUS.bootsel, `bootsel gpio_mask=0x${(event.gpioMask >>> 0).toString(16)} ` +
          `disable_mask=0x${(event.disableMask >>> 0).toString(16)}`);
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

/** The CDC port's RFC 2217 server: one client at a time (a new one takes over); connecting raises
 * DTR/RTS, leaving drops them. */
function serveUsb(runner, port) {
  const server = net.createServer((socket) => {
    if (runner.usbClient) {
      // A new client takes the port over (its predecessor's close may not have been seen yet).
      const old = runner.usbClient;
      runner.usbClient = null;
      runner.usbHost.setLineState(0);
      old.socket.destroy();
    }
    socket.setNoDelay(true);
    const session = new Rfc2217Session(socket, {
      send: (bytes) => runner.usbHost.send(bytes),
      setLineCoding: (coding) => runner.usbHost.setLineCoding(coding),
      setLineState: (value) => runner.usbHost.setLineState(value),
      get lineCoding() {
        return runner.usbHost.lineCoding;
      },
    });
    runner.usbClient = session;
    runner.usbHost.setLineState(session.dtrRts);
    socket.on('data', (bytes) => session.receive(bytes));
    socket.on('close', () => {
      if (runner.usbClient !== session) return;
      runner.usbClient = null;
      runner.usbHost.setLineState(0); // closing the port drops DTR and RTS
    });
    socket.on('error', () => {});
  });
  server.listen(port, '127.0.0.1', () => {
    process.stderr.write(`rp2040js: usb-listening 127.0.0.1:${server.address().port}\n`);
  });
  server.unref();
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
  if (options.usbTcp !== null) serveUsb(runner, options.usbTcp);
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
