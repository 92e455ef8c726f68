/*
 * Linked into the dom0 image only: the SUPPORTED_FEATURES note that
 * declares the kernel able to run as the initial domain (XENFEAT_dom0).
 * The domU image carries no such note, so a builder refuses it as dom0.
 */
	.pushsection .note.Xen, "a", @note
	.balign 4
	.long 4, 4, 17		/* SUPPORTED_FEATURES */
	.asciz "Xen"
	.balign 4
	.long (1 << 11)		/* XENFEAT_dom0 */
	.popsection
