"""Runs a program under the restrictions of the generated systemd unit that can be had
without systemd as PID 1, each set up the way systemd sets it up:
  User= ............... setpriv --reuid/--regid/--clear-groups
  NoNewPrivileges= .... setpriv --no-new-privs
  CapabilityBoundingSet= / AmbientCapabilities= (empty): setpriv --bounding-set=-all --inh-caps=-all
  LimitRTPRIO= ........ prlimit --rtprio
  PrivateUsers=yes .... unshare --user mapping the user to itself
  SystemCallFilter= / SystemCallErrorNumber= / SystemCallArchitectures=native / RestrictAddressFamilies=:
                        a seccomp filter (libseccomp, as systemd uses) built from the unit's own lines,
                        groups expanded by `systemd-analyze syscall-filter`
and, to show why a directive is left out, optionally MemoryDenyWriteExecute (the kernel's
prctl(PR_SET_MDWE), the same refusal systemd's seccomp rule makes).

usage: unit_sandbox.py UNIT_FILE USER [--mdwe] [--rtprio N|skip] [--keep-sys-nice] -- PROGRAM ARGS...
The last stage (this file run again with --stage-seccomp) loads the filter and execs PROGRAM."""
import ctypes
import ctypes.util
import errno
import os
import pwd
import socket
import subprocess
import sys

SCMP_ACT_ALLOW = 0x7FFF0000
SCMP_ACT_ERRNO = lambda e: 0x00050000 | (e & 0xFFFF)  # noqa: E731
SCMP_CMP_NE = 1
SCMP_CMP_EQ = 4
PR_SET_MDWE = 65
PR_MDWE_REFUSE_EXEC_GAIN = 1


class ScmpArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64),
                ("datum_b", ctypes.c_uint64)]


def unit_values(unit_text, key):
    return [l.split("=", 1)[1] for l in unit_text.splitlines() if l.startswith(key + "=")]


def expand(group, seen=None):
    """The syscalls of a systemd group (@name), nested groups expanded."""
    seen = seen if seen is not None else set()
    if group in seen:
        return set()
    seen.add(group)
    out = subprocess.run(["systemd-analyze", "syscall-filter", group], capture_output=True, text=True,
                         check=True).stdout
    calls = set()
    for line in out.splitlines()[1:]:
        w = line.strip()
        if not w or w.startswith("#"):
            continue
        calls |= expand(w, seen) if w.startswith("@") else {w}
    return calls


def syscall_allow_list(unit_text):
    """systemd's rule: the first SystemCallFilter= without ~ makes an allow list; later lines add
    (plain) or remove (~) names and groups."""
    allowed = set()
    for value in unit_values(unit_text, "SystemCallFilter"):
        remove = value.startswith("~")
        names = set()
        for w in value.lstrip("~").split():
            names |= expand(w) if w.startswith("@") else {w}
        allowed = allowed - names if remove else allowed | names
    return allowed


def families(unit_text):
    vals = unit_values(unit_text, "RestrictAddressFamilies")
    return [getattr(socket, f) for f in vals[-1].split()] if vals else None


def load_seccomp(unit_text):
    lib = ctypes.CDLL(ctypes.util.find_library("seccomp"), use_errno=True)
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    err = {"EPERM": errno.EPERM}.get((unit_values(unit_text, "SystemCallErrorNumber") or ["EPERM"])[-1], errno.EPERM)
    ctx = lib.seccomp_init(SCMP_ACT_ERRNO(err))
    assert ctx, "seccomp_init failed"
    fams = families(unit_text)
    for name in sorted(syscall_allow_list(unit_text)):
        nr = lib.seccomp_syscall_resolve_name(name.encode())
        if nr < 0:
            continue  # not on this architecture
        if name == "socket" and fams is not None:
            continue
        rc = lib.seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0)
        assert rc == 0, (name, rc)
    if fams is not None:
        # socket(): only the listed families, the others fail with EAFNOSUPPORT as under systemd.
        nr = lib.seccomp_syscall_resolve_name(b"socket")
        add = lib.seccomp_rule_add
        add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ScmpArgCmp]
        for f in fams:
            assert add(ctx, SCMP_ACT_ALLOW, nr, 1, ScmpArgCmp(0, SCMP_CMP_EQ, int(f), 0)) == 0
    assert lib.seccomp_load(ctx) == 0, "seccomp_load failed"


def main():
    args = sys.argv[1:]
    if args[0] == "--stage-seccomp":
        # Read by the first stage (as root): the unit may be unreadable to the user.
        unit_text = os.environ.pop("PHAROCTL_SANDBOX_UNIT")
        if args[2] == "mdwe":
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
                sys.exit(f"prctl(PR_SET_MDWE): {os.strerror(ctypes.get_errno())}")
        load_seccomp(unit_text)
        os.execv(args[4], args[4:])
    unit, user = args[0], args[1]
    sep = args.index("--")
    opts, program = args[2:sep], args[sep + 1:]
    mdwe = "--mdwe" in opts
    unit_text = open(unit).read()
    rtprio = next((opts[i + 1] for i, o in enumerate(opts) if o == "--rtprio"), None)
    if rtprio is None:
        rtprio = (unit_values(unit_text, "LimitRTPRIO") or ["0"])[-1].split(":")[0]
    pw = pwd.getpwnam(user)
    argv = ["prlimit", f"--rtprio={rtprio}:{rtprio}", "--"] if rtprio != "skip" else []
    argv += ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--clear-groups"]
    if "NoNewPrivileges=yes" in unit_text.splitlines():
        argv.append("--no-new-privs")
    if "--keep-sys-nice" in opts:
        # Stands in for LimitRTPRIO where this host's hard limit cannot be raised (no
        # CAP_SYS_RESOURCE): root keeps CAP_SYS_NICE alone, so SCHED_FIFO is allowed by the
        # kernel and only the filter can refuse it.
        argv += ["--bounding-set=-all,+sys_nice", "--inh-caps=-all"]
    elif "CapabilityBoundingSet=" in unit_text.splitlines():
        argv += ["--bounding-set=-all", "--inh-caps=-all"]
    argv.append("--")
    # (With --keep-sys-nice no user namespace: a capability inside one does not count for
    # scheduling, which is checked against the host's.)
    if "PrivateUsers=yes" in unit_text.splitlines() and "--keep-sys-nice" not in opts:
        argv += ["unshare", "--user", f"--map-user={pw.pw_uid}", f"--map-group={pw.pw_gid}", "--"]
    argv += [sys.executable, os.path.abspath(__file__), "--stage-seccomp", os.path.abspath(unit),
             "mdwe" if mdwe else "-", "--", *program]
    os.environ["PHAROCTL_SANDBOX_UNIT"] = unit_text
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main()
