/* vlapic-fuzz shim: kernel option header (BHYVE_SNAPSHOT is not set). */
