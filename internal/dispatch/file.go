package dispatch

import (
	"bufio"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"

	"jiceng/internal/core"
)

// Model file format: the magic, a little-endian uint16 version, then the
// model as gob. A change to the gob structs needs a new version.
const (
	fileMagic   = "jiceng-dispatch\n"
	fileVersion = 1
)

// ErrVersion is returned (wrapped) by LoadModel for a file written by
// another version of the format.
var ErrVersion = errors.New("dispatch: model file version")

type fileCounts struct {
	N               float64
	Unit            map[string]float64
	Ret             map[string]float64
	Co              map[string]map[string]float64
	RawN            int
	RawUnit, RawRet map[string]int
	RecentUnit      map[string]float64
	RecentRet       map[string]float64
}

type fileNB struct {
	Labels []string
	Bits   uint
	Row    map[uint32]int32
	LogP   []float32
	Unseen []float32
	Prior  []float32
}

type fileModel struct {
	Cfg      Config
	Labels   []string
	Groups   map[string]fileCounts
	Text     *fileNB
	Examples int
}

// Save writes m to w.
func (m *Model) Save(w io.Writer) error {
	fm := fileModel{Cfg: m.cfg, Labels: m.labels, Groups: map[string]fileCounts{}, Examples: m.examples}
	for k, g := range m.groups {
		fm.Groups[k] = fileCounts{g.n, g.unit, g.ret, g.co, g.rawN, g.rawUnit, g.rawRet, g.recentUnit, g.recentRet}
	}
	if t := m.text; t != nil {
		fm.Text = &fileNB{t.labels, t.bits, t.row, t.logp, t.unseen, t.prior}
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(fileMagic)
	binary.Write(bw, binary.LittleEndian, uint16(fileVersion))
	if err := gob.NewEncoder(bw).Encode(&fm); err != nil {
		return fmt.Errorf("dispatch: save model: %w", err)
	}
	return bw.Flush()
}

// LoadModel reads a model written by Save. Errors are *core.Error with a
// Chinese message; a file of another format version also matches
// ErrVersion.
func LoadModel(r io.Reader) (*Model, error) {
	br := bufio.NewReader(r)
	head := make([]byte, len(fileMagic)+2)
	if _, err := io.ReadFull(br, head); err != nil || string(head[:len(fileMagic)]) != fileMagic {
		return nil, core.Errorf(core.EINVALID, "不是智能分拨模型文件")
	}
	if v := binary.LittleEndian.Uint16(head[len(fileMagic):]); v != fileVersion {
		e := core.Errorf(core.EINVALID, "智能分拨模型文件版本 %d 与本程序（版本 %d）不符，请重新训练", v, fileVersion)
		e.Err = ErrVersion
		return nil, e
	}
	var fm fileModel
	if err := gob.NewDecoder(br).Decode(&fm); err != nil {
		return nil, core.Errorf(core.EINVALID, "智能分拨模型文件已损坏")
	}
	if fm.Examples <= 0 || len(fm.Labels) == 0 {
		return nil, core.Errorf(core.EINVALID, "智能分拨模型文件已损坏")
	}
	m := &Model{cfg: fm.Cfg, labels: fm.Labels, groups: map[string]*counts{}, examples: fm.Examples}
	m.comm, m.commUnit, m.unitComm = newMaps(m.cfg)
	for k, g := range fm.Groups {
		m.groups[k] = &counts{n: g.N, unit: g.Unit, ret: g.Ret, co: g.Co, rawN: g.RawN, rawUnit: g.RawUnit, rawRet: g.RawRet,
			recentUnit: g.RecentUnit, recentRet: g.RecentRet}
	}
	if t := fm.Text; t != nil {
		k := len(t.Labels)
		if k == 0 || t.Bits == 0 || t.Bits > 30 || len(t.LogP) != len(t.Row)*k || len(t.Unseen) != k || len(t.Prior) != k {
			return nil, core.Errorf(core.EINVALID, "智能分拨模型文件已损坏")
		}
		for _, r := range t.Row {
			if r < 0 || int(r) >= len(t.Row) {
				return nil, core.Errorf(core.EINVALID, "智能分拨模型文件已损坏")
			}
		}
		m.text = &textNB{labels: t.Labels, bits: t.Bits, row: t.Row, logp: t.LogP, unseen: t.Unseen, prior: t.Prior}
	}
	return m, nil
}
