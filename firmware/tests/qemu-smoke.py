#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
Integration test: the built potnpu firmware in the QEMU potnpu device.

usage: qemu-smoke.py QEMU IMAGE SYMBOL=0xADDR... [BIOS_DIR...]

SYMBOLs (from the ELF, `make -C firmware qemu-smoke` passes them):
fw_boot and fw_run_job, where the trap tests plant an illegal instruction;
__bss_start, __bss_end and __stack_top, the DMEM layout start.S sets up.

Starts qemu-system-x86_64 with -accel qtest and drives the device through
the qtest protocol the way the kernel driver does: PCI BARs, firmware
loaded through BAR4, page tables in guest RAM, boot handshake, jobs
through the rings in several MMU slots, abort through the mailbox, failed
handshakes and the trap path. What only the real binary on the real core
can show is checked here too: start.S (sp, .bss zeroing, mtvec), the
cost of boot, the idle timer and its watchdog kicks, WFI with nothing
enabled after a failure. TAP on stdout; QEMU's qtest log goes to
qemu-smoke.log next to the image.
"""
import os, re, struct, subprocess, sys

args_in = sys.argv[1:]
if len(args_in) < 2:
    sys.exit(__doc__)
QEMU, IMAGE = args_in[0], args_in[1]
SYM = {}
BIOS_DIRS = []
for a in args_in[2:]:
    if "=" in a:
        k, v = a.split("=", 1)
        SYM[k] = int(v, 0)
    else:
        BIOS_DIRS.append(a)
BIOS_DIRS = BIOS_DIRS or ["/usr/share/seabios", "/usr/share/qemu"]
for k in ("fw_boot", "fw_run_job", "__bss_start", "__bss_end", "__stack_top"):
    if k not in SYM:
        sys.exit(f"Bail out! symbol {k} not given\n\n" + __doc__)

BAR0, BAR4 = 0xE0000000, 0xE0100000
DMEM_BASE, DMEM_SIZE = 0x10000, 0x10000          # potnpu_core.h
STACK_SIZE = 0x2000                              # potnpu-fw.ld.S FW_STACK_SIZE
CANARY = 0xA5C3A5C3
# Guest RAM: rings, and per MMU slot a root table, one L2 table and pages.
JQ, CQ = 0x100000, 0x110000
L1, L2, PAGES = 0x200000, 0x201000, 0x300000     # slot 0: VA [0, 64 pages) RW
NPAGES = 64
L1_2, L2_2, PAGES2 = 0x202000, 0x203000, 0x400000  # slot 2: VA [0, 16 pages) RW
L1_5, L2_5, PAGES5 = 0x204000, 0x205000, 0x500000  # slot 5: page 0 RW, page 1 RO

# BAR0 registers (potnpu_regs.h).
ID, CAPS, IRQ_STATUS, IRQ_MASK = 0x000, 0x008, 0x018, 0x01C
CORE_CTRL, CORE_STATUS, CORE_ENTRY, CORE_PC = 0x100, 0x104, 0x108, 0x10C
CORE_FAULT_CAUSE, CORE_INSTRET_LO, CORE_INSTRET_HI, CORE_WDOG_LIMIT = 0x110, 0x11C, 0x120, 0x124
FW_STATUS, FW_VERSION, FW_ABI, FW_CAPS, FW_ERROR, FW_HEARTBEAT = 0x200, 0x204, 0x208, 0x20C, 0x210, 0x214
FW_LOG_BASE, FW_LOG_SIZE, FW_LOG_HEAD, HOST_ABI, H2F_MSG, H2F_DOORBELL = 0x218, 0x21C, 0x220, 0x224, 0x228, 0x22C
MMU_CTX_SEL, MMU_PT_LO, MMU_PT_HI, MMU_INVALIDATE, MMU_FAULT_STATUS, MMU_FAULT_ADDR = 0x300, 0x304, 0x308, 0x30C, 0x310, 0x314
JQ_BASE_LO, JQ_BASE_HI, JQ_SIZE, JQ_TAIL, JQ_HEAD = 0x400, 0x404, 0x408, 0x40C, 0x410
CQ_BASE_LO, CQ_BASE_HI, CQ_TAIL, CQ_HEAD = 0x414, 0x418, 0x41C, 0x420
H2F_ARG = 0x230
ST_RUNNING, ST_WFI, ST_TRAPPED, ST_WATCHDOG = 1, 2, 4, 8
OFF, BOOTING, READY, FAILED = 0, 1, 2, 3
ERR_ABI, ERR_QUEUE, ERR_INTERNAL = 1, 2, 3
JOB_OK, JOB_EILLEGAL, JOB_EMMU, JOB_EDESC, JOB_ABORTED = 0, 1, 3, 5, 6
IRQ_JOB = 2
WDOG_DEFAULT = 10_000_000
SLICE_NS = 100_000                               # slice-us default: 100 us

args = [QEMU, "-machine", "q35", "-accel", "qtest", "-qtest", "stdio",
        "-nodefaults", "-display", "none", "-device", "potnpu,addr=04.0"]
for d in BIOS_DIRS:
    args += ["-L", d]
p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=open(os.path.join(os.path.dirname(os.path.abspath(IMAGE)), "qemu-smoke.log"), "w"),
                     text=True)

def answer(s):
    while True:
        line = p.stdout.readline()
        if not line:
            raise SystemExit("Bail out! qemu exited, see qemu-smoke.log")
        if line.startswith("OK") or line.startswith("FAIL") or line.startswith("ERR"):
            if not line.startswith("OK"):
                raise SystemExit(f"Bail out! {s}: {line}")
            return line.split()[1] if len(line.split()) > 1 else None

def cmds(lst):
    """Send qtest commands in batches (no round trip each), return the answers."""
    out = []
    for i in range(0, len(lst), 512):
        chunk = lst[i:i + 512]
        p.stdin.write("".join(c + "\n" for c in chunk)); p.stdin.flush()
        out += [answer(c) for c in chunk]
    return out

def cmd(s): return cmds([s])[0]
def wl(a, v): cmd(f"writel 0x{a:x} 0x{v & 0xffffffff:x}")
def rl(a): return int(cmd(f"readl 0x{a:x}"), 16)
def wl_many(pairs): cmds([f"writel 0x{a:x} 0x{v & 0xffffffff:x}" for a, v in pairs])
def rl_many(addrs): return [int(v, 16) for v in cmds([f"readl 0x{a:x}" for a in addrs])]
def wq(a, v): wl(a, v & 0xffffffff); wl(a + 4, v >> 32)
def rq(a): return rl(a) | rl(a + 4) << 32
def ram_read(a, n): return bytes.fromhex(cmd(f"read 0x{a:x} 0x{n:x}")[2:])
def reg(r): return rl(BAR0 + r)
def setreg(r, v): wl(BAR0 + r, v)
def cfg_w(r, v): cmd("outl 0xcf8 0x%x" % (0x80000000 | 4 << 11 | r)); cmd("outl 0xcfc 0x%x" % v)
def cfg_r(r): cmd("outl 0xcf8 0x%x" % (0x80000000 | 4 << 11 | r)); return int(cmd("inl 0xcfc"), 16)
def step(ns): cmd(f"clock_step {ns}")
def instret(): return reg(CORE_INSTRET_LO) | reg(CORE_INSTRET_HI) << 32

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
ok(reg(ID) == 0x55504E50, "ID reads PNPU")
print(f"# VERSION {reg(0x004):#x} CAPS {reg(0x008):#x}")

img = open(IMAGE, "rb").read()
(magic, fmaj, fmin, hsize, flags, fwver, abiver, load, entry, psize) = struct.unpack_from("<IHHIIIIIII", img)
payload = img[64:64 + psize]
PAYLOAD_WORDS = [(BAR4 + load + i, struct.unpack_from("<I", payload, i)[0]) for i in range(0, psize, 4)]
def load_payload(): wl_many(PAYLOAD_WORDS)
load_payload()
ok(rl_many([a for a, _ in PAYLOAD_WORDS]) == [v for _, v in PAYLOAD_WORDS], "payload loaded through BAR4")
def ver(v): return f"{v >> 24}.{v >> 16 & 0xff}.{v & 0xffff}"

# DMEM starts out zero after a device reset: fill it with a canary, so what
# the firmware zeroes and what it writes can be told apart.
DMEM_ADDRS = [BAR4 + DMEM_BASE + off for off in range(0, DMEM_SIZE, 4)]
wl_many([(a, CANARY) for a in DMEM_ADDRS])
def dmem_words(): return rl_many(DMEM_ADDRS)
BSS_START, BSS_END, STACK_TOP = SYM["__bss_start"], SYM["__bss_end"], SYM["__stack_top"]
STACK_BOTTOM = STACK_TOP - STACK_SIZE
print(f"# .bss {BSS_START:#x}..{BSS_END:#x}, stack {STACK_BOTTOM:#x}..{STACK_TOP:#x}")
def written(words, lo, hi):
    """DMEM addresses in [lo, hi) that no longer hold the canary."""
    return [DMEM_BASE + 4 * i for i in range((lo - DMEM_BASE) // 4, (hi - DMEM_BASE) // 4)
            if words[i] != CANARY]

# Page tables. Slot 0: VA [0, NPAGES pages) -> PAGES, writable.
def slot(s, l1, l2, ptes):
    wq(l1, l2 | 1)
    for i, pte in enumerate(ptes):
        wq(l2 + 8 * i, pte)
    setreg(MMU_CTX_SEL, s); setreg(MMU_PT_LO, l1); setreg(MMU_PT_HI, 0)
slot(0, L1, L2, [(PAGES + 4096 * i) | 3 for i in range(NPAGES)])
slot(2, L1_2, L2_2, [(PAGES2 + 4096 * i) | 3 for i in range(16)])
slot(5, L1_5, L2_5, [PAGES5 | 3, (PAGES5 + 4096) | 1])       # page 1 read-only
setreg(MMU_CTX_SEL, 0); setreg(MMU_INVALIDATE, 0xFFFFFFFF)

setreg(HOST_ABI, 0x01000000)            # 1.0.0
setreg(JQ_BASE_LO, JQ); setreg(JQ_BASE_HI, 0); setreg(JQ_SIZE, 8)
setreg(CQ_BASE_LO, CQ); setreg(CQ_BASE_HI, 0)
setreg(IRQ_MASK, 0xF)
# Boot gets no watchdog kick before the idle loop: it must fit in 50000
# instructions (zeroing .bss is most of it).
setreg(CORE_WDOG_LIMIT, 50000)
setreg(CORE_ENTRY, entry); setreg(CORE_CTRL, 1)
# One slice (2000 instruction slots) per step: watch FW_STATUS go by.
seen = [reg(FW_STATUS)]
for _ in range(1000):
    step(SLICE_NS)
    st = reg(FW_STATUS)
    if st != seen[-1]:
        seen.append(st)
    if st not in (OFF, BOOTING):
        break
step(1_000_000)
st = reg(FW_STATUS)
ok(st == READY and not reg(CORE_STATUS) & (ST_TRAPPED | ST_WATCHDOG), "FW_STATUS READY, within WDOG_LIMIT 50000",
   f"FW_STATUS {st} FW_ERROR {reg(FW_ERROR)} CORE_STATUS {reg(CORE_STATUS):#x} PC {reg(CORE_PC):#x} cause {reg(0x110):#x} fpc {reg(0x114):#x} val {reg(0x118):#x}")
ok(seen == [OFF, BOOTING, READY], "FW_STATUS went OFF, BOOTING, READY", f"seen {seen}")
setreg(CORE_WDOG_LIMIT, WDOG_DEFAULT)
# FW_CAPS: DMA, and LAYERS exactly when the device has the shift-add engine
# (the firmware probes for it: the core cannot read CAPS).
CAP_SAE, FW_CAP_DMA, FW_CAP_LAYERS = 1 << 4, 1 << 0, 1 << 1
want_caps = FW_CAP_DMA | (FW_CAP_LAYERS if reg(CAPS) & CAP_SAE else 0)
ok(reg(FW_VERSION) == fwver and reg(FW_ABI) == abiver and reg(FW_CAPS) == want_caps,
   "FW_VERSION, FW_ABI (the header's), FW_CAPS DMA (and LAYERS iff CAPS.SAE)",
   f"FW_CAPS {reg(FW_CAPS):#x} CAPS {reg(CAPS):#x}")
ok(reg(FW_ERROR) == 0 and reg(FW_LOG_SIZE) == 0x1000 and BSS_START <= DMEM_BASE + reg(FW_LOG_BASE) < BSS_END,
   "FW_ERROR 0, a 4 KiB log ring in .bss", f"FW_ERROR {reg(FW_ERROR)} LOG_BASE {reg(FW_LOG_BASE):#x} SIZE {reg(FW_LOG_SIZE):#x}")

def log():
    base, size, head = reg(FW_LOG_BASE), reg(FW_LOG_SIZE), reg(FW_LOG_HEAD)
    if not size:
        return ""
    nb = min(head, size)
    start = head - nb
    words = rl_many([BAR4 + DMEM_BASE + base + (k & (size - 1)) for k in range(start & ~3, head, 4)])
    data = b"".join(struct.pack("<I", w) for w in words)
    return data[start - (start & ~3):][:nb].decode("ascii", "replace")
def show_log(text):
    for line in text.splitlines():
        print("# log: " + line)
def in_log(text):
    t = log()
    return text in t
boot_log = log()
show_log(boot_log)
first = (boot_log.splitlines(True) or [""])[0]
ok(first.startswith("[") and first.endswith(f"] potnpu firmware {ver(fwver)}, abi {ver(abiver)}\n"),
   "log starts with the version line")
ok("] boot: ready, queue of 8 at 0:00100000, completions at 0:00110000, head 0\n" in boot_log, "log says ready, with the rings")
m = re.search(r"\[([0-9a-f]{8})\] boot: ready", boot_log)
boot_insns = int(m.group(1), 16) if m else None
print(f"# boot took {boot_insns} instructions")
ok(boot_insns is not None and boot_insns < 50000, "boot is cheap: READY within 50000 instructions")
ok(reg(CORE_STATUS) == ST_RUNNING | ST_WFI, "idle in WFI after boot", f"CORE_STATUS {reg(CORE_STATUS):#x}")

dm = dmem_words()
left = [a for a in range(BSS_START, BSS_END, 4) if dm[(a - DMEM_BASE) // 4] == CANARY]
ok(BSS_END > BSS_START and not left, f".bss zeroed by start.S ({BSS_END - BSS_START} bytes)",
   f"{len(left)} words not zeroed, first {left[:4]}")
stray = written(dm, BSS_END, STACK_BOTTOM)
ok(not stray, "nothing written between .bss and the stack", f"{[hex(a) for a in stray[:8]]}")
stack = written(dm, STACK_BOTTOM, STACK_TOP)
ok(stack and max(stack) >= STACK_TOP - 64, "sp starts at __stack_top (the stack grows down from the top of DMEM)",
   f"stack words written: {len(stack)}, highest {max(stack) if stack else 0:#x}")
print(f"# stack used after boot: {STACK_TOP - min(stack) if stack else 0} bytes")

def va_w(va, v, base=PAGES): wl(base + va, v)
def va_r(va, base=PAGES): return rl(base + va)
tail = 0
no_irq = []
def consume():
    """The host has read every completion record: CQ_HEAD = CQ_TAIL."""
    setreg(CQ_HEAD, reg(CQ_TAIL))

def submit(seq, words, va=0, slot=0, size=None, base=PAGES, consumed=True):
    global tail
    if consumed:
        consume()
    wl_many([(base + va + 4 * i, w) for i, w in enumerate(words)])
    d = JQ + 64 * (tail & 7)
    wl_many([(d + 4 * k, 0) for k in range(16)])
    wl(d, seq); wl(d + 4, slot); wq(d + 8, va); wl(d + 16, size if size is not None else 4 * len(words))
    tail += 1
    setreg(JQ_TAIL, tail)
    return tail - 1

def done(i):
    return tuple(rl_many([CQ + 32 * (i & 7) + 4 * k for k in range(8)]))

def run(i, ns=10_000_000):
    """Let job i complete; note if it raised no IRQ_STATUS.JOB."""
    if ns:
        step(ns)
    if not reg(IRQ_STATUS) & IRQ_JOB:
        no_irq.append(i)
    setreg(IRQ_STATUS, IRQ_JOB)
    return done(i)

H = lambda op, w: op | w << 16
NOP, FENCE, TIMESTAMP, COPY, FILL = 0, 1, 2, 3, 4
hb0 = reg(FW_HEARTBEAT)
j = submit(0x77, [H(FILL, 5), 0x1000, 0, 10, 0x44332211,
                  H(COPY, 6), 0x1000, 0, 0x2003, 0, 16,
                  H(FENCE, 4), 0x3000, 0, 0xCAFEF00D,
                  H(TIMESTAMP, 3), 0x3008, 0,
                  H(NOP, 1)])
step(10_000_000)
ok(reg(IRQ_STATUS) & IRQ_JOB, "IRQ_STATUS.JOB set")
d = run(j, 0)
ok(d[0] == 0x77 and d[1] == JOB_OK, "job 1: FILL, COPY, FENCE, TIMESTAMP ok", str(d))
ok(va_r(0x1000) == 0x44332211 and va_r(0x1004) == 0x44332211 and va_r(0x1008) == 0x2211, "FILL wrote the pattern", f"{va_r(0x1000):#x} {va_r(0x1008):#x}")
ok(rl(PAGES + 0x2000) >> 24 == 0x11 and va_r(0x3000) == 0xCAFEF00D, "COPY and FENCE wrote")
ts = rq(PAGES + 0x3008)
ok(d[6] < ts < d[7], "TIMESTAMP between start and end", f"{ts:#x} {d[6]:#x} {d[7]:#x}")
ok(reg(JQ_HEAD) == 1 and reg(CQ_TAIL) == 1, "JQ_HEAD and CQ_TAIL advanced")
ok(reg(FW_HEARTBEAT) != hb0, "heartbeat moved")
ok(reg(CORE_STATUS) == ST_RUNNING | ST_WFI, "back in WFI after the job", f"CORE_STATUS {reg(CORE_STATUS):#x}")

# A job in MMU slot 2 (its own page table): unaligned FILL and COPY, NOP,
# TIMESTAMP, FENCE.
j = submit(0x1001, [H(FILL, 5), 0xB001, 0, 10, 0x44332211,
                    H(COPY, 6), 0xB000, 0, 0xB800, 0, 16,
                    H(NOP, 1),
                    H(TIMESTAMP, 3), 0xB040, 0,
                    H(FENCE, 4), 0xB048, 0, 0xFEEDF00D], va=0xA000, slot=2, base=PAGES2)
d = run(j)
expect = bytes([0, 0x11, 0x22, 0x33, 0x44, 0x11, 0x22, 0x33, 0x44, 0x11, 0x22, 0, 0, 0, 0, 0])
ok(d[0] == 0x1001 and d[1] == JOB_OK and d[2] == 0, "job in slot 2: ok", str(d))
got, copied = ram_read(PAGES2 + 0xB000, 16), ram_read(PAGES2 + 0xB800, 16)
ok(got == expect and copied == expect, "slot 2: unaligned FILL and COPY, byte exact", f"{got.hex()} {copied.hex()}")
ts = struct.unpack("<Q", ram_read(PAGES2 + 0xB040, 8))[0]
ok(d[6] < ts < d[7] and rl(PAGES2 + 0xB048) == 0xFEEDF00D, "slot 2: TIMESTAMP and FENCE", f"{ts:#x} {rl(PAGES2 + 0xB048):#x}")
ok(ram_read(PAGES + 0xA000, 0x2000) == bytes(0x2000), "slot 2's job went through slot 2's page table only")

# An illegal command after a FENCE: the FENCE ran, then EILLEGAL.
j = submit(0x78, [H(FENCE, 4), 0x3020, 0, 1, H(0x55, 1)], va=0x4000)
d = run(j)
ok(d[0] == 0x78 and d[1] == JOB_EILLEGAL and d[2] == 16 and d[3] == 0x55, "job: EILLEGAL at offset 16, info 0x55", str(d))
ok(va_r(0x3020) == 1, "the FENCE before the illegal command ran")
ok(in_log(f"] job {j:x} seqno 78: illegal command at offset 10, info 55,"), "log: one line for the EILLEGAL job")

# A write to an unmapped page.
j = submit(0x79, [H(NOP, 1), H(FENCE, 4), NPAGES * 4096 + 0x10, 0, 1], va=0x5000)
d = run(j)
ok(d[0] == 0x79 and d[1] == JOB_EMMU and d[2] == 4 and d[3] == 3 and d[4] == NPAGES * 4096 + 0x10,
   "job: EMMU at offset 4, write, fault_addr", str(d) + f" MMU_FAULT_STATUS {reg(MMU_FAULT_STATUS):#x} ADDR {reg(MMU_FAULT_ADDR):#x}")
print(f"# MMU_FAULT_STATUS {reg(MMU_FAULT_STATUS):#x} MMU_FAULT_ADDR {reg(MMU_FAULT_ADDR):#x}")
setreg(MMU_FAULT_STATUS, reg(MMU_FAULT_STATUS))

# A write to a read-only page in slot 5.
j = submit(0x7, [H(NOP, 1), H(FENCE, 4), 0x1000, 0, 1], va=0, slot=5, base=PAGES5)
d = run(j)
mfs = reg(MMU_FAULT_STATUS)
ok(d[0] == 7 and d[1] == JOB_EMMU and d[2] == 4 and d[3] == (1 | 2 | 5 << 8) and d[4] == 0x1000
   and mfs == (1 | 2 | 5 << 8 | 4 << 16) and rl(PAGES5 + 0x1000) == 0,
   "slot 5: write to a read-only page, EMMU with err_info slot 5 write", str(d) + f" MMU_FAULT_STATUS {mfs:#x}")
setreg(MMU_FAULT_STATUS, mfs)

j = submit(0x7A, [H(NOP, 1)], va=0x6002)
d = run(j)
ok(d[0] == 0x7A and d[1] == JOB_EDESC, "job: EDESC (cmd_va unaligned)", str(d))
ok(in_log(f"] job {j:x} seqno 7a: bad descriptor: cmd_va not 4-byte aligned\n"), "log: the EDESC reason")

# Abort: a long job of FENCEs to distinct words, H2F ABORT while it runs.
words = []
for i in range(400):
    words += [H(FENCE, 4), 0x7000 + 4 * i, 0, i + 1]
j = submit(0x7B, words, va=0x8000)
step(150_000)
setreg(H2F_MSG, 1); setreg(H2F_ARG, 0x7B); setreg(H2F_DOORBELL, 1)
d = run(j, 100_000_000)
ok(d[0] == 0x7B and d[1] == JOB_ABORTED and 0 < d[2] < 16 * 400 and d[2] % 16 == 0, "job: ABORTED between commands", str(d))
k = d[2] // 16
fences = rl_many([PAGES + 0x7000 + 4 * i for i in range(400)])
ok(fences == [i + 1 if i < k else 0 for i in range(400)], f"the {k} commands before err_offset ran, none after")

j = submit(0x7C, [H(FENCE, 4), 0x3010, 0, 0x5A5A])
d = run(j)
ok(d[0] == 0x7C and d[1] == JOB_OK and va_r(0x3010) == 0x5A5A, "job after the abort ok", str(d))
ok(not no_irq, "every job raised IRQ_STATUS.JOB", f"not: {no_irq}")

# Malformed descriptors: each bad field alone gives EDESC, and the job
# after them runs normally.
def submit_desc(seq, slot=0, flags=0, va=0x6000, size=4, reserved=0):
    global tail
    consume()
    wl(PAGES + va, H(NOP, 1))
    d = JQ + 64 * (tail & 7)
    wl_many([(d + 4 * k, 0) for k in range(16)])
    wl(d, seq); wl(d + 4, slot | flags << 16); wq(d + 8, va); wl(d + 16, size)
    wl(d + 20, reserved)
    tail += 1
    setreg(JQ_TAIL, tail)
    return tail - 1
bad = [("flags", dict(flags=1)), ("reserved word", dict(reserved=1)),
       ("cmd_size 0", dict(size=0)), ("cmd_size not a multiple of 4", dict(size=6)),
       ("cmd_size over 64 KiB", dict(size=0x10004)), ("slot 16", dict(slot=16)),
       ("slot 0xffff", dict(slot=0xFFFF))]
results = []
for k, (what, kw) in enumerate(bad):
    j = submit_desc(0x100 + k, **kw)
    results.append((what, run(j)))
wrong = [(w, d) for w, d in results if d[1] != JOB_EDESC]
ok(not wrong, f"{len(bad)} malformed descriptors, each EDESC", str(wrong))
j = submit(0x7F, [H(FENCE, 4), 0x3014, 0, 0xD00D])
d = run(j)
ok(d[0] == 0x7F and d[1] == JOB_OK and va_r(0x3014) == 0xD00D, "after the malformed descriptors: a good job ok", str(d))

# A full ring: 8 jobs (JQ_SIZE) submitted before any completes, across the
# wrap of the ring indices; completions in order at their own indices.
first = tail
for k in range(8):
    submit(0x200 + k, [H(FENCE, 4), 0x4000 + 4 * k, 0, 0xF00 + k], va=0x5000 + 64 * k)
step(50_000_000)
seqs = [done(first + k)[:2] for k in range(8)]
ok(seqs == [(0x200 + k, JOB_OK) for k in range(8)] and reg(JQ_HEAD) == tail and reg(CQ_TAIL) == tail,
   "a full ring of 8 jobs across the index wrap: all ok, in order", f"{seqs} head {reg(JQ_HEAD)} tail {tail}")
ok(rl_many([PAGES + 0x4000 + 4 * k for k in range(8)]) == [0xF00 + k for k in range(8)], "each of the 8 jobs wrote its fence")
setreg(IRQ_STATUS, IRQ_JOB)

# Completion flow control: the host consumes nothing; 8 records fill the
# ring, the 9th job waits in WFI until the host writes CQ_HEAD.
consume()
first = tail
for k in range(9):                       # the 9th once the 8 are taken
    submit(0x500 + k, [H(FENCE, 4), 0x4200 + 4 * k, 0, 0xE00 + k], va=0x5400 + 64 * k, consumed=False)
    if k >= 7:
        step(50_000_000)
waiting = reg(CQ_TAIL) == first + 8 and reg(CORE_STATUS) == ST_RUNNING | ST_WFI and done(first)[0] == 0x500
ok(waiting and in_log(f"] cq: ring full (tail {first + 8:x}, head {first:x}), waiting for CQ_HEAD\n"),
   "a full completion ring: 8 records, the 9th job waits, the oldest record unread is kept",
   f"CQ_TAIL {reg(CQ_TAIL) - first} CORE_STATUS {reg(CORE_STATUS):#x} oldest {done(first)[0]:#x}")
setreg(CQ_HEAD, first + 1)
step(10_000_000)
ok(reg(CQ_TAIL) == first + 9 and done(first + 8)[:2] == (0x508, JOB_OK) and va_r(0x4200 + 32) == 0xE08,
   "a CQ_HEAD write makes room: the 9th record is written", f"CQ_TAIL {reg(CQ_TAIL) - first}")
setreg(IRQ_STATUS, IRQ_JOB)

# Doorbell while busy: two jobs submitted while a long one runs.
words = []
for i in range(400):
    words += [H(FENCE, 4), 0x7000 + 4 * i, 0, 0x1000 + i]
long_job = submit(0x300, words, va=0x8000)
step(150_000)
busy = reg(JQ_HEAD) == long_job and reg(CQ_TAIL) == long_job
a = submit(0x301, [H(FENCE, 4), 0x4100, 0, 0xA1], va=0x5200)
b = submit(0x302, [H(FENCE, 4), 0x4104, 0, 0xB2], va=0x5240)
step(200_000_000)
ds = [done(x)[:2] for x in (long_job, a, b)]
ok(busy and ds == [(0x300, JOB_OK), (0x301, JOB_OK), (0x302, JOB_OK)],
   "doorbell while busy: the long job and the two rung in during it all ok, in order", f"busy {busy} {ds}")
ok(rl_many([PAGES + 0x7000 + 4 * i for i in range(400)]) == [0x1000 + i for i in range(400)]
   and va_r(0x4100) == 0xA1 and va_r(0x4104) == 0xB2, "every command of the three jobs ran")
setreg(IRQ_STATUS, IRQ_JOB)

# Idle for 2 s (40M instruction slots). The timer wakes the firmware every
# 1M slots; each wake-up kicks the watchdog and runs a few dozen
# instructions, so even a WDOG_LIMIT of 1000 never fires.
setreg(CORE_WDOG_LIMIT, 1000)
hb, t0 = reg(FW_HEARTBEAT), instret()
step(2_000_000_000)
beats, slots = reg(FW_HEARTBEAT) - hb, instret() - t0
ok(reg(FW_STATUS) == READY and reg(CORE_STATUS) == ST_RUNNING | ST_WFI, "idle 2 s with WDOG_LIMIT 1000: still READY, no watchdog",
   f"CORE_STATUS {reg(CORE_STATUS):#x}")
print(f"# idle: {beats} heartbeats in {slots} instruction slots")
ok(slots >= 5_000_000 and slots // 1_000_000 - 1 <= beats <= slots // 1_000_000 + 1,
   "idle timer: one heartbeat per 1M instruction slots")
setreg(CORE_WDOG_LIMIT, WDOG_DEFAULT)
dm = dmem_words()
stray = written(dm, BSS_END, STACK_BOTTOM)
stack = written(dm, STACK_BOTTOM, STACK_TOP)
print(f"# stack used after the jobs: {STACK_TOP - min(stack) if stack else 0} bytes")
ok(not stray, "after the jobs: nothing written between .bss and the stack", f"{[hex(a) for a in stray[:8]]}")
show_log(log())

def restart(plant=None):
    setreg(CORE_CTRL, 0)                 # halt: IMEM writable again
    load_payload()
    if plant is not None:
        wl(BAR4 + plant, 0)              # all-zero: an illegal instruction
    setreg(CORE_CTRL, 1)
    step(100_000_000)

def parked(name):
    """Halted by the firmware: WFI with nothing enabled (mie 0), so neither a
    doorbell nor time wakes it; not a fatal trap."""
    pc, t, beat = reg(CORE_PC), instret(), reg(FW_HEARTBEAT)
    setreg(JQ_TAIL, tail)                # doorbell, no new job
    step(100_000_000)
    st = reg(CORE_STATUS)
    ok(st == ST_RUNNING | ST_WFI and reg(CORE_PC) == pc and instret() == t and reg(FW_HEARTBEAT) == beat, name,
       f"CORE_STATUS {st:#x} PC {pc:#x}->{reg(CORE_PC):#x} INSTRET {t}->{instret()} HEARTBEAT {beat}->{reg(FW_HEARTBEAT)}")

# A host speaking another ABI major: FAILED / FW_ERR_ABI, core parked.
setreg(HOST_ABI, 0)                      # a host that never wrote it
restart()
ok(reg(FW_STATUS) == FAILED and reg(FW_ERROR) == ERR_ABI, "HOST_ABI 0 (never written): FAILED, FW_ERR_ABI", f"{reg(FW_STATUS)} {reg(FW_ERROR)}")
ok(reg(CORE_STATUS) & ST_WFI and not reg(CORE_STATUS) & (ST_TRAPPED | ST_WATCHDOG), "core in WFI, not trapped", f"CORE_STATUS {reg(CORE_STATUS):#x}")
ok(in_log("] boot: host abi 0.0.0, major not supported\n"), "log explains the ABI failure")
ok(in_log("] fatal: firmware failed, FW_ERROR 1\n"), "log: fatal, FW_ERROR 1")
parked("ABI failure: parked for good, a doorbell does not wake it")

# A bad job queue view: FAILED / FW_ERR_QUEUE.
setreg(HOST_ABI, 0x01000000)
setreg(JQ_SIZE, 12)
restart()
ok(reg(FW_STATUS) == FAILED and reg(FW_ERROR) == ERR_QUEUE, "JQ_SIZE 12: FAILED, FW_ERR_QUEUE", f"{reg(FW_STATUS)} {reg(FW_ERROR)}")
ok(in_log("] boot: JQ_SIZE 12 is not a power of 2 in 2..4096\n") and in_log("] fatal: firmware failed, FW_ERROR 2\n"),
   "log explains the queue failure")
parked("queue failure: parked for good")
setreg(JQ_SIZE, 8)

# The trap path: an illegal instruction where the job loop starts.
restart()
ok(reg(FW_STATUS) == READY, "restarted: READY again")
restart(SYM["fw_run_job"])
ok(reg(FW_STATUS) == READY, "READY with an illegal instruction at fw_run_job")
head, cq_tail = reg(JQ_HEAD), reg(CQ_TAIL)
old = done(tail)
submit(0x7D, [H(NOP, 1)])
step(100_000_000)
ok(reg(FW_STATUS) == FAILED and reg(FW_ERROR) == ERR_INTERNAL, "illegal instruction: FAILED, FW_ERR_INTERNAL", f"{reg(FW_STATUS)} {reg(FW_ERROR)} CORE_STATUS {reg(CORE_STATUS):#x}")
ok(in_log(f"] trap: mcause 2 mepc {SYM['fw_run_job']:x} mtval 0\n"), "log records mcause, mepc, mtval")
ok(in_log("] fatal: firmware failed, FW_ERROR 3\n"), "log: fatal, FW_ERROR 3")
ok(not reg(CORE_STATUS) & (ST_TRAPPED | ST_WATCHDOG) and reg(CORE_FAULT_CAUSE) == 0,
   "the trap handler stopped the core cleanly (no fatal trap)", f"CORE_STATUS {reg(CORE_STATUS):#x}")
ok(reg(JQ_HEAD) == head and reg(CQ_TAIL) == cq_tail and done(tail - 1) == old, "no completion for the job that trapped",
   f"JQ_HEAD {head}->{reg(JQ_HEAD)} CQ_TAIL {cq_tail}->{reg(CQ_TAIL)}")
parked("trap: parked for good")
show_log(log())

# A trap before boot published the log: the trap handler publishes it.
restart(SYM["fw_boot"])
ok(reg(FW_STATUS) == FAILED and reg(FW_ERROR) == ERR_INTERNAL, "illegal instruction at fw_boot: FAILED, FW_ERR_INTERNAL",
   f"{reg(FW_STATUS)} {reg(FW_ERROR)} CORE_STATUS {reg(CORE_STATUS):#x}")
ok(reg(FW_LOG_SIZE) == 0x1000 and in_log(f"] trap: mcause 2 mepc {SYM['fw_boot']:x} mtval 0\n"),
   "the trap handler published the log and logged the trap")
parked("trap in boot: parked for good, not a fatal trap")
show_log(log())

# The unmodified image boots and serves jobs again (the trapped job first).
restart()
j = submit(0x7E, [H(FENCE, 4), 0x3018, 0, 0x600D])
step(10_000_000)
d = done(j)
ok(reg(FW_STATUS) == READY and d[0] == 0x7E and d[1] == JOB_OK and va_r(0x3018) == 0x600D and done(j - 1)[0] == 0x7D,
   "the unmodified image boots again and runs the pending jobs", str(d))

# Reset during a job: the device RESET stops the core mid-job, writes no
# completion, clears the rings and the MMU; reprogrammed and rebooted, the
# device runs jobs again.
words = []
for i in range(400):
    words += [H(FENCE, 4), 0x7000 + 4 * i, 0, 0x2000 + i]
j = submit(0x400, words, va=0x8000)
wl_many([(CQ + 32 * (j & 7) + 4 * k, 0) for k in range(8)])
step(150_000)
setreg(0x014, 0x52534554)                # RESET magic
step(10_000_000)
fences = rl_many([PAGES + 0x7000 + 4 * i for i in range(400)])
ran = sum(1 for i, v in enumerate(fences) if v == 0x2000 + i)
ok(not reg(CORE_STATUS) & ST_RUNNING and reg(FW_STATUS) == OFF and reg(JQ_HEAD) == 0 and reg(CQ_TAIL) == 0,
   "RESET during a job: core halted, FW_STATUS OFF, rings cleared", f"CORE_STATUS {reg(CORE_STATUS):#x} FW_STATUS {reg(FW_STATUS)}")
ok(0 < ran < 400 and done(j) == (0,) * 8, f"the job was cut short ({ran} of 400 commands) and wrote no completion",
   str(done(j)))
slot(0, L1, L2, [(PAGES + 4096 * i) | 3 for i in range(NPAGES)])
setreg(MMU_CTX_SEL, 0); setreg(MMU_INVALIDATE, 0xFFFFFFFF)
setreg(HOST_ABI, 0x01000000)
setreg(JQ_BASE_LO, JQ); setreg(JQ_BASE_HI, 0); setreg(JQ_SIZE, 8)
setreg(CQ_BASE_LO, CQ); setreg(CQ_BASE_HI, 0)
setreg(IRQ_MASK, 0xF)
setreg(CORE_ENTRY, entry)
tail = 0
restart()
j = submit(0x401, [H(FENCE, 4), 0x301C, 0, 0xBEEF])
d = run(j)
ok(reg(FW_STATUS) == READY and d[0] == 0x401 and d[1] == JOB_OK and va_r(0x301C) == 0xBEEF,
   "after the reset: reprogrammed, rebooted, the next job ok", str(d))
print(f"1..{n}")
p.stdin.close()
p.terminate()
p.wait(timeout=30)
sys.exit(1 if fails else 0)
