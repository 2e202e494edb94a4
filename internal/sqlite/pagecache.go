package sqlite

import (
	"runtime"
	"unsafe"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
	sqlite3 "modernc.org/sqlite/lib"
)

// The page caches of the connections Open makes, in KiB.
const (
	writerCacheKiB = 64 << 10
	readerCacheKiB = 8 << 10
)

// readers is the size of the read-only pool.
func readers() int { return max(4, runtime.GOMAXPROCS(0)) }

// pageCacheSlots is how many pages the process-wide page-cache buffer holds:
// the caches of one database opened by Open, at the default page size.
var pageCacheSlots int

// A reader's page cache is emptied whenever another connection wrote since
// its last transaction. With SQLite's default memory its pages are freed one
// by one into the driver's allocator, which hands the memory back to the
// system a region at a time: at 1,000,000 tickets a reader holding 8 MB took
// about 100 ms of system calls to start the next read after any write (the
// ticket form's save reading back what it stored, the workbench after a
// transition). So the pages come from one buffer given to SQLite before its
// first connection (SQLITE_CONFIG_PAGECACHE): emptying a cache puts its
// pages back on the buffer's free list, and nothing is returned to the
// system. The buffer is reserved, not touched: memory is committed only as
// caches fill, up to the caches' configured sizes. A cache that finds the
// buffer used up (a second database in the process, a larger page size)
// takes its pages from the allocator, as before.
func init() {
	tls := libc.NewTLS()
	defer tls.Close()
	va := libc.Xmalloc(tls, types.Size_t(3*8))
	if va == 0 {
		return
	}
	defer libc.Xfree(tls, va)
	hdr := libc.Xmalloc(tls, types.Size_t(unsafe.Sizeof(int32(0))))
	if hdr == 0 {
		return
	}
	defer libc.Xfree(tls, hdr)
	if sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PCACHE_HDRSZ, libc.VaList(va, hdr)) != sqlite3.SQLITE_OK {
		return
	}
	slot := (4096 + int(libc.AtomicLoadPInt32(hdr)) + 7) &^ 7
	n := (writerCacheKiB + readers()*readerCacheKiB) << 10 / slot
	buf := libc.Xmalloc(tls, types.Size_t(n*slot)) // kept for the life of the process
	if buf == 0 {
		return
	}
	if sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PAGECACHE, libc.VaList(va, buf, int32(slot), int32(n))) != sqlite3.SQLITE_OK {
		libc.Xfree(tls, buf)
		return
	}
	pageCacheSlots = n
}

// pageCacheUsed is how many slots of the page-cache buffer are in use.
func pageCacheUsed() int {
	tls := libc.NewTLS()
	defer tls.Close()
	p := libc.Xcalloc(tls, 2, types.Size_t(unsafe.Sizeof(int32(0))))
	if p == 0 {
		return 0
	}
	defer libc.Xfree(tls, p)
	sqlite3.Xsqlite3_status(tls, sqlite3.SQLITE_STATUS_PAGECACHE_USED, p, p+4, 0)
	return int(libc.AtomicLoadPInt32(p))
}
