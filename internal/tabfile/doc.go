// Package tabfile reads and writes the table files that street staff
// exchange with hotline systems and spreadsheets: CSV in UTF-8, GBK or
// GB18030, and XLSX.
//
// Reading: Decode finds the encoding of outside text (a UTF-8 or UTF-16
// byte-order mark, valid UTF-8, or else GB18030, a superset of GBK and
// GB2312, with every undecodable byte remembered), and NewCSVReader reads
// its records leniently and streaming, as Rows with a reason when a row
// must be refused. The XLSX reader is the importer's (importer.Open).
//
// Writing: NewCSVWriter and NewXLSXWriter write rows; a CSV cell that a
// spreadsheet would run as a formula is guarded (SafeCell), and the CSV
// reader takes the guard off again. The encoding "utf8" is UTF-8 with a BOM
// (so that Excel recognises it); "gbk" is GB18030, which equals GBK on
// every GBK character and can still write all the others. Create makes an
// output file that appears under its name complete or not at all.
package tabfile
