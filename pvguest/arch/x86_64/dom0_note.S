/*
 * Linked into the dom0 image only: the SUPPORTED_FEATURES note that
 * declares the kernel able to run as the initial domain (XENFEAT_dom0).
 * The domU image carries no such note, so a builder refuses it as dom0.
 */
#include <public/elfnote.h>
#include <public/features.h>

XEN_ELFNOTE(XEN_ELFNOTE_SUPPORTED_FEATURES, .long (1 << XENFEAT_dom0))
