"""Replace one imported function of an already loaded shared library (its GOT slot).

Used for ``_pjsua2``, whose pjproject is linked in statically and imports libc
through a lazily bound, writable procedure linkage table. Only that library's
slot changes; libc and every other module keep calling the real function.
"""
from __future__ import annotations

import ctypes
import mmap
import os

PROT_READ, PROT_WRITE = 0x1, 0x2


def load_base(path: str) -> int:
    """Address at which the ELF file ``path`` (offset 0) is mapped in this process."""
    real = os.path.realpath(path)
    with open("/proc/self/maps") as maps:
        for line in maps:
            parts = line.split()
            if len(parts) >= 6 and int(parts[2], 16) == 0 and os.path.realpath(parts[5]) == real:
                return int(parts[0].split("-")[0], 16)
    raise RuntimeError(f"{path} is not mapped in this process")


def slot_offset(path: str, symbol: str) -> int:
    """Offset (from the load base) of the GOT entry through which ``path`` calls ``symbol``."""
    from elftools.elf.elffile import ELFFile
    from elftools.elf.relocation import RelocationSection

    with open(path, "rb") as f:
        elf = ELFFile(f)
        for section in elf.iter_sections():
            if not isinstance(section, RelocationSection):
                continue
            symtab = elf.get_section(section["sh_link"])
            for rel in section.iter_relocations():
                if rel["r_info_sym"] and symtab.get_symbol(rel["r_info_sym"]).name == symbol:
                    return rel["r_offset"]
    raise RuntimeError(f"{path} does not import {symbol}")


def _writable(address: int) -> bool:
    with open("/proc/self/maps") as maps:
        for line in maps:
            span, perms = line.split()[:2]
            lo, hi = (int(x, 16) for x in span.split("-"))
            if lo <= address < hi:
                return "w" in perms
    return False


def patch(path: str, symbol: str, replacement: int) -> int:
    """Point ``path``'s import of ``symbol`` at address ``replacement``; returns the slot's address."""
    slot = load_base(path) + slot_offset(path, symbol)
    if not _writable(slot):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mprotect.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
        page = slot & ~(mmap.PAGESIZE - 1)
        if libc.mprotect(ctypes.c_void_p(page), mmap.PAGESIZE, PROT_READ | PROT_WRITE) != 0:
            raise OSError(ctypes.get_errno(), "mprotect of the GOT page failed")
    ctypes.c_void_p.from_address(slot).value = replacement
    return slot
