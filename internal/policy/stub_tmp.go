package policy

import "jiceng/internal/core"

func readHTML(text string) (draft, error) {
	return draft{}, core.Errorf(core.EINVALID, "暂不支持 HTML")
}

func readDOCX(b []byte) (draft, error) {
	return draft{}, core.Errorf(core.EINVALID, "暂不支持 DOCX")
}
