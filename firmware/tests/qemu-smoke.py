#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
Integration smoke test: the built potnpu firmware in the QEMU potnpu device.

usage: qemu-smoke.py QEMU IMAGE FW_RUN_JOB_ADDR [BIOS_DIR...]

Starts qemu-system-x86_64 with -accel qtest and drives the device through
the qtest protocol the way the kernel driver will: PCI BARs, firmware
loaded through BAR4, page tables in guest RAM, boot handshake, jobs
through the rings, abort through the mailbox, a failed handshake and the
trap path (an illegal instruction planted at fw_run_job). TAP on stdout;
QEMU's qtest log goes to qemu-smoke.log next to the image.
"""
import os, struct, subprocess, sys

if len(sys.argv) < 4:
    sys.exit(__doc__)
QEMU, IMAGE, RUN_JOB = sys.argv[1], sys.argv[2], int(sys.argv[3], 0)
BIOS_DIRS = sys.argv[4:] or ["/usr/share/seabios", "/usr/share/qemu"]
BAR0, BAR4 = 0xE0000000, 0xE0100000
JQ, CQ, L1, L2, PAGES = 0x100000, 0x110000, 0x200000, 0x201000, 0x300000
NPAGES = 64

args = [QEMU, "-machine", "q35", "-accel", "qtest", "-qtest", "stdio",
        "-nodefaults", "-display", "none", "-device", "potnpu,addr=04.0"]
for d in BIOS_DIRS:
    args += ["-L", d]
p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=open(os.path.join(os.path.dirname(os.path.abspath(IMAGE)), "qemu-smoke.log"), "w"),
                     text=True)

def cmd(s):
    p.stdin.write(s + "\n"); p.stdin.flush()
    while True:
        line = p.stdout.readline()
        if not line:
            raise SystemExit("Bail out! qemu exited, see qemu-smoke.log")
        if line.startswith("OK") or line.startswith("FAIL") or line.startswith("ERR"):
            if not line.startswith("OK"):
                raise SystemExit(f"Bail out! {s}: {line}")
            return line.split()[1] if len(line.split()) > 1 else None

def wl(a, v): cmd(f"writel 0x{a:x} 0x{v & 0xffffffff:x}")
def rl(a): return int(cmd(f"readl 0x{a:x}"), 16)
def wq(a, v): wl(a, v & 0xffffffff); wl(a + 4, v >> 32)
def rq(a): return rl(a) | rl(a + 4) << 32
def reg(r): return rl(BAR0 + r)
def setreg(r, v): wl(BAR0 + r, v)
def cfg_w(r, v): cmd("outl 0xcf8 0x%x" % (0x80000000 | 4 << 11 | r)); cmd("outl 0xcfc 0x%x" % v)
def cfg_r(r): cmd("outl 0xcf8 0x%x" % (0x80000000 | 4 << 11 | r)); return int(cmd("inl 0xcfc"), 16)
def step(ns): cmd(f"clock_step {ns}")

n = 0; fails = 0
def ok(cond, name, diag=""):
    global n, fails
    n += 1
    if not cond:
        fails += 1
    print(("ok" if cond else "not ok") + f" {n} - {name}")
    if not cond and diag:
        print("# " + diag)

cmd("outl 0xcf8 0x80000000")
ok((cfg_r(0) & 0xffff) == 0x1234, "potnpu at 00:04.0")
cfg_w(0x10, BAR0); cfg_w(0x20, BAR4); cfg_w(0x04, 0x0006)
ok(reg(0x000) == 0x55504E50, "ID reads PNPU")
print(f"# VERSION {reg(0x004):#x} CAPS {reg(0x008):#x}")

img = open(IMAGE, "rb").read()
(magic, fmaj, fmin, hsize, flags, fwver, abiver, load, entry, psize) = struct.unpack_from("<IHHIIIIIII", img)
payload = img[64:64 + psize]
for i in range(0, psize, 4):
    wl(BAR4 + load + i, struct.unpack_from("<I", payload, i)[0])
ok(all(rl(BAR4 + load + i) == struct.unpack_from("<I", payload, i)[0] for i in range(0, 64, 4)), "payload loaded through BAR4")

# Page tables: VA [0, NPAGES pages) -> PAGES, writable.
wq(L1, L2 | 1)
for i in range(NPAGES):
    wq(L2 + 8 * i, (PAGES + 4096 * i) | 3)
setreg(0x300, 0); setreg(0x304, L1); setreg(0x308, 0); setreg(0x30C, 0xFFFFFFFF)

setreg(0x224, 0x00010000)               # HOST_ABI 0.1.0
setreg(0x400, JQ); setreg(0x404, 0); setreg(0x408, 8)
setreg(0x414, CQ); setreg(0x418, 0)
setreg(0x01C, 0xF)                      # IRQ_MASK
setreg(0x108, entry); setreg(0x100, 1)  # CORE_ENTRY, RUN
step(100_000_000)
st = reg(0x200)
ok(st == 2, "FW_STATUS READY", f"FW_STATUS {st} FW_ERROR {reg(0x210)} CORE_STATUS {reg(0x104):#x} PC {reg(0x10c):#x} cause {reg(0x110):#x} fpc {reg(0x114):#x} val {reg(0x118):#x}")
ok(reg(0x204) == fwver and reg(0x208) == abiver and reg(0x20C) == 1, "FW_VERSION, FW_ABI, FW_CAPS")

def log():
    base, size, head = reg(0x218), reg(0x21C), reg(0x220)
    if not size:
        return ""
    nb = min(head, size)
    data = bytearray()
    start = head - nb
    for k in range(start & ~3, head, 4):
        data += struct.pack("<I", rl(BAR4 + 0x10000 + base + (k & (size - 1))))
    return data[start - (start & ~3):][:nb].decode("ascii", "replace")
def show_log(text):
    for line in text.splitlines():
        print("# log: " + line)
show_log(log())
ok("boot: ready" in log(), "log says ready")

def va_w(va, v): wl(PAGES + va, v)
def va_r(va): return rl(PAGES + va)
tail = 0
def submit(seq, words, va=0, slot=0, size=None):
    global tail
    for i, w in enumerate(words):
        va_w(va + 4 * i, w)
    d = JQ + 64 * (tail & 7)
    for k in range(16):
        wl(d + 4 * k, 0)
    wl(d, seq); wl(d + 4, slot); wq(d + 8, va); wl(d + 16, size if size is not None else 4 * len(words))
    tail += 1
    setreg(0x40C, tail)

def done(i):
    return struct.unpack("<8I", b"".join(struct.pack("<I", rl(CQ + 32 * (i & 7) + 4 * k)) for k in range(8)))

H = lambda op, w: op | w << 16
hb0 = reg(0x214)
submit(0x77, [H(4, 5), 0x1000, 0, 10, 0x44332211,
              H(3, 6), 0x1000, 0, 0x2003, 0, 16,
              H(1, 4), 0x3000, 0, 0xCAFEF00D,
              H(2, 3), 0x3008, 0,
              H(0, 1)])
step(10_000_000)
d = done(0)
ok(d[0] == 0x77 and d[1] == 0, "job 1: FILL, COPY, FENCE, TIMESTAMP ok", str(d))
ok(va_r(0x1000) == 0x44332211 and va_r(0x1004) == 0x44332211 and va_r(0x1008) == 0x2211, "FILL wrote the pattern", f"{va_r(0x1000):#x} {va_r(0x1008):#x}")
ok(rl(PAGES + 0x2000) >> 24 == 0x11 and va_r(0x3000) == 0xCAFEF00D, "COPY and FENCE wrote")
ts = rq(PAGES + 0x3008)
ok(d[6] < ts < d[7], "TIMESTAMP between start and end", f"{ts:#x} {d[6]:#x} {d[7]:#x}")
ok(reg(0x410) == 1 and reg(0x41C) == 1, "JQ_HEAD and CQ_TAIL advanced")
ok(reg(0x018) & 2, "IRQ_STATUS.JOB set")
setreg(0x018, 2)
ok(reg(0x214) != hb0, "heartbeat moved")

submit(0x78, [H(0, 1), H(0x55, 1)], va=0x4000)
step(10_000_000)
d = done(1)
ok(d[0] == 0x78 and d[1] == 1 and d[2] == 4 and d[3] == 0x55, "job 2: EILLEGAL at offset 4, info 0x55", str(d))

submit(0x79, [H(0, 1), H(1, 4), NPAGES * 4096 + 0x10, 0, 1], va=0x5000)
step(10_000_000)
d = done(2)
ok(d[0] == 0x79 and d[1] == 3 and d[2] == 4 and d[3] == 3 and d[4] == NPAGES * 4096 + 0x10,
   "job 3: EMMU at offset 4, write, fault_addr", str(d) + f" MMU_FAULT_STATUS {reg(0x310):#x} ADDR {reg(0x314):#x}")
print(f"# MMU_FAULT_STATUS {reg(0x310):#x} MMU_FAULT_ADDR {reg(0x314):#x}")
setreg(0x310, reg(0x310))

submit(0x7A, [H(0, 1)], va=0x6002)
step(10_000_000)
d = done(3)
ok(d[0] == 0x7A and d[1] == 5, "job 4: EDESC (cmd_va unaligned)", str(d))

# Abort: a long job, H2F ABORT while it runs.
words = []
for i in range(400):
    words += [H(1, 4), 0x7000 + 4 * (i % 256), 0, i + 1]
submit(0x7B, words, va=0x8000)
step(150_000)
setreg(0x228, 1); setreg(0x22C, 1)
step(100_000_000)
d = done(4)
ok(d[0] == 0x7B and d[1] == 6 and 0 < d[2] < 16 * 400 and d[2] % 16 == 0, "job 5: ABORTED between commands", str(d))

# A normal job after the abort.
submit(0x7C, [H(1, 4), 0x3010, 0, 0x5A5A])
step(10_000_000)
d = done(5)
ok(d[0] == 0x7C and d[1] == 0 and va_r(0x3010) == 0x5A5A, "job 6 after the abort ok", str(d))

# Idle for a while: the watchdog must not fire, the heartbeat moves.
hb = reg(0x214)
step(2_000_000_000)
ok(reg(0x200) == 2 and not (reg(0x104) & 0xC), "idle 2 s: still READY, no watchdog", f"CORE_STATUS {reg(0x104):#x}")
ok(reg(0x214) != hb, "idle heartbeat moves", f"{hb} -> {reg(0x214)}")
show_log(log())

def restart():
    setreg(0x100, 0)                     # halt: IMEM writable again
    for i in range(0, psize, 4):
        wl(BAR4 + load + i, struct.unpack_from("<I", payload, i)[0])
    setreg(0x100, 1)

# A host speaking another ABI major: FAILED / FW_ERR_ABI, core parked.
setreg(0x224, 0x01000000)
restart()
step(100_000_000)
ok(reg(0x200) == 3 and reg(0x210) == 1, "HOST_ABI 1.0.0: FAILED, FW_ERR_ABI", f"{reg(0x200)} {reg(0x210)}")
ok(reg(0x104) & 2 and not reg(0x104) & 0xC, "core parked in WFI, not trapped", f"CORE_STATUS {reg(0x104):#x}")
ok("major not supported" in log(), "log explains the ABI failure")

# The trap path: an illegal instruction where the job loop starts.
setreg(0x224, 0x00010000)
restart()
step(100_000_000)
ok(reg(0x200) == 2, "restarted: READY again")
setreg(0x100, 0)
wl(BAR4 + RUN_JOB, 0)
setreg(0x100, 1)
step(100_000_000)
submit(0x7D, [H(0, 1)])
step(100_000_000)
ok(reg(0x200) == 3 and reg(0x210) == 3, "illegal instruction: FAILED, FW_ERR_INTERNAL", f"{reg(0x200)} {reg(0x210)} CORE_STATUS {reg(0x104):#x}")
ok(f"trap: mcause 2 mepc {RUN_JOB:x} mtval 0" in log(), "log records mcause, mepc, mtval")
ok(not reg(0x104) & 0xC, "the trap handler stopped the core cleanly", f"CORE_STATUS {reg(0x104):#x}")
show_log(log())
print(f"1..{n}")
p.stdin.close()
p.terminate()
p.wait(timeout=30)
sys.exit(1 if fails else 0)
