"""Kernel confinement for the process that runs researchers' Cypher on the embedded store.

The embedded engine's read-only mode is not a sandbox: its read-only connection still runs
COPY ... TO, EXPORT DATABASE, LOAD FROM and CHECKPOINT. So the research-query worker asks
the kernel, before it opens the database, to hold it to:

- Landlock (Linux >= 5.13): read access beneath a few folders only (the generation and the
  Python code the worker runs), no write, create, remove or rename anywhere; with ABI >= 4
  no TCP bind/connect, with ABI >= 6 no signals or abstract sockets outside the worker;
- seccomp: no socket() at all (Landlock does not cover UDP or raw sockets), no io_uring,
  ptrace, mount, namespaces, BPF or kernel modules;
- no capabilities (the worker may run as root: CI does) and no_new_privs, so nothing it
  runs can gain them back; RLIMIT_FSIZE 0 and no core dumps.

Everything here is raw syscalls through ctypes: there is no well-kept Python binding for
Landlock, and the whole interface is three syscalls and two structs (see the kernel's
Documentation/userspace-api/landlock.rst).
"""
from __future__ import annotations

import ctypes
import errno
import os
import platform
import resource
import signal
import struct
from dataclasses import dataclass
from pathlib import Path

# --- Landlock ------------------------------------------------------------------------
_SYS_LANDLOCK_CREATE_RULESET, _SYS_LANDLOCK_ADD_RULE, _SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1

FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_V1 = (1 << 13) - 1          # execute .. make_sym
_FS_REFER, _FS_TRUNCATE, _FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1

# --- prctl / seccomp -----------------------------------------------------------------
_PR_CAPBSET_DROP, _PR_SET_NO_NEW_PRIVS, _PR_CAP_AMBIENT = 24, 38, 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4
_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 22, 2
_SECCOMP_RET_ALLOW, _SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
_SECCOMP_RET_KILL_PROCESS = 0x80000000
_BPF_LD_W_ABS, _BPF_JEQ_K, _BPF_JGE_K, _BPF_RET_K = 0x20, 0x15, 0x35, 0x06

# Syscalls the worker never needs and an attacker would want: networking, io_uring (a
# second path to files), other processes' memory, namespaces and mounts, kernel code.
_ARCHES = {
    # machine: (AUDIT_ARCH_*, {syscall the filter denies: its number})
    "x86_64": (0xC000003E, dict(
        socket=41, io_uring_setup=425, io_uring_enter=426, io_uring_register=427, ptrace=101,
        process_vm_readv=310, process_vm_writev=311, mount=165, umount2=166, pivot_root=155,
        chroot=161, unshare=272, setns=308, bpf=321, init_module=175, finit_module=313,
        delete_module=176, kexec_load=246, keyctl=250, add_key=248, request_key=249,
        userfaultfd=323, perf_event_open=298)),
    "aarch64": (0xC00000B7, dict(
        socket=198, io_uring_setup=425, io_uring_enter=426, io_uring_register=427, ptrace=117,
        process_vm_readv=270, process_vm_writev=271, mount=40, umount2=39, pivot_root=41,
        chroot=51, unshare=97, setns=268, bpf=280, init_module=105, finit_module=273,
        delete_module=106, kexec_load=104, keyctl=219, add_key=217, request_key=218,
        userfaultfd=282, perf_event_open=241)),
}
_X32_BIT = 0x40000000

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.prctl.restype = ctypes.c_int
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]


class ConfinementUnavailable(RuntimeError):
    """The kernel cannot confine this process as research queries require."""


@dataclass(frozen=True)
class Confinement:
    landlock_abi: int
    tcp_denied_by_landlock: bool
    seccomp: bool

    def describe(self) -> str:
        return (f"Landlock ABI {self.landlock_abi}, seccomp "
                f"{'on' if self.seccomp else 'off'}, no capabilities")


def _fail(what: str) -> ConfinementUnavailable:
    err = ctypes.get_errno()
    return ConfinementUnavailable(f"{what} failed: {os.strerror(err)} (errno {err})")


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 where Landlock is absent or disabled."""
    v = _libc.syscall(_SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                      ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return max(int(v), 0)


def why_unconfinable() -> str | None:
    """None when this kernel can confine a research-query worker, else the reason."""
    if platform.system() != "Linux":
        return f"kernel confinement needs Linux (this is {platform.system()})"
    if platform.machine() not in _ARCHES:
        return f"the seccomp filter knows x86_64 and aarch64, not {platform.machine()}"
    abi = landlock_abi()
    if abi < 1:
        err = ctypes.get_errno()
        return ("the kernel has no Landlock (Linux >= 5.13 with landlock in the lsm= list): "
                f"{os.strerror(err) if err else 'not enabled'}")
    return None


def _landlock(read_beneath: list[Path]) -> tuple[int, bool]:
    abi = landlock_abi()
    if abi < 1:
        raise ConfinementUnavailable(why_unconfinable() or "Landlock is unavailable")
    fs = _FS_V1 | (_FS_REFER if abi >= 2 else 0) | (_FS_TRUNCATE if abi >= 3 else 0) \
        | (_FS_IOCTL_DEV if abi >= 5 else 0)
    net = (_NET_BIND_TCP | _NET_CONNECT_TCP) if abi >= 4 else 0
    scoped = (_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL) if abi >= 6 else 0
    # struct landlock_ruleset_attr { u64 handled_access_fs, handled_access_net, scoped; }:
    # pass only as many fields as this kernel knows.
    attr = struct.pack("=QQQ", fs, net, scoped)[: 24 if abi >= 6 else 16 if abi >= 4 else 8]
    buf = ctypes.create_string_buffer(attr, len(attr))
    ruleset = _libc.syscall(_SYS_LANDLOCK_CREATE_RULESET, buf, ctypes.c_size_t(len(attr)),
                            ctypes.c_uint32(0))
    if ruleset < 0:
        raise _fail("landlock_create_ruleset")
    try:
        for path in read_beneath:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                allowed = FS_READ_FILE | (FS_READ_DIR if os.path.isdir(path) else 0)
                # struct landlock_path_beneath_attr { u64 allowed_access; s32 parent_fd; } packed
                rule = ctypes.create_string_buffer(struct.pack("=Qi", allowed, fd), 12)
                if _libc.syscall(_SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset),
                                 ctypes.c_int(_RULE_PATH_BENEATH), rule, ctypes.c_uint32(0)) < 0:
                    raise _fail(f"landlock_add_rule({path})")
            finally:
                os.close(fd)
        if _libc.syscall(_SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) < 0:
            raise _fail("landlock_restrict_self")
    finally:
        os.close(ruleset)
    return abi, bool(net)


def _seccomp() -> None:
    audit_arch, numbers = _ARCHES[platform.machine()]
    denied = sorted(set(numbers.values()))
    errno_ret = _SECCOMP_RET_ERRNO | errno.EPERM

    def insn(code: int, jt: int, jf: int, k: int) -> bytes:
        return struct.pack("=HBBI", code, jt, jf, k)

    prog = [insn(_BPF_LD_W_ABS, 0, 0, 4),                   # seccomp_data.arch
            insn(_BPF_JEQ_K, 1, 0, audit_arch),
            insn(_BPF_RET_K, 0, 0, _SECCOMP_RET_KILL_PROCESS),
            insn(_BPF_LD_W_ABS, 0, 0, 0),                   # seccomp_data.nr
            insn(_BPF_JGE_K, 0, 1, _X32_BIT),               # x32 numbers: another table
            insn(_BPF_RET_K, 0, 0, errno_ret)]
    for nr in denied:
        prog += [insn(_BPF_JEQ_K, 0, 1, nr), insn(_BPF_RET_K, 0, 0, errno_ret)]
    prog.append(insn(_BPF_RET_K, 0, 0, _SECCOMP_RET_ALLOW))
    filters = ctypes.create_string_buffer(b"".join(prog), 8 * len(prog))

    class _Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = _Fprog(len(prog), ctypes.cast(filters, ctypes.c_void_p))
    if _libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
        raise _fail("seccomp filter")


def _drop_capabilities() -> None:
    # The bounding set shrinks only with CAP_SETPCAP (root has it); without it, the capset
    # below still empties the sets that count and no_new_privs stops them coming back.
    cap = 0
    while _libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) == 0:
        cap += 1
    _libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    # capset(header {version 3, pid 0}, data[2] all zero): no effective, permitted or
    # inheritable capability left, whatever the uid.
    header = ctypes.create_string_buffer(struct.pack("=Ii", 0x20080522, 0), 8)
    data = ctypes.create_string_buffer(b"\0" * 24, 24)
    if _libc.syscall(126 if platform.machine() == "x86_64" else 91, header, data) != 0:
        raise _fail("capset")


def confine(read_beneath: list[Path]) -> Confinement:
    """Confine the calling process for good (there is no way back): read-only access beneath
    `read_beneath`, nothing else on disk, no network, no capabilities. Raises
    ConfinementUnavailable, leaving the process unconfined, when the kernel cannot.

    Call it with one thread running: Landlock and seccomp apply to the calling thread and
    the threads it starts later, not to threads that already exist."""
    reason = why_unconfinable()
    if reason:
        raise ConfinementUnavailable(reason)
    if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise _fail("prctl(PR_SET_NO_NEW_PRIVS)")
    abi, tcp = _landlock(read_beneath)
    _seccomp()
    _drop_capabilities()
    limit_files()
    return Confinement(abi, tcp, True)


def limit_files() -> None:
    """No regular file may grow (a write fails with EFBIG instead of killing the process),
    and a crash leaves no core dump: also applied where the kernel cannot confine."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
