package classify

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// The model file is
//
//	magic "JCCLSMOD" | format version, uint16 little-endian | gzip(
//	    header length, uint32 LE | header JSON |
//	    per node, in header order: bucket deltas (uvarint) |
//	        root only: idf, int16 LE |
//	        weights, int16 LE row-major | bias, float32 LE )
//
// The header carries the training configuration (so text is featurised as
// in training, with the same phrase vocabulary), the taxonomy (each node's
// labels and path) and the explanation dictionaries. Weights are quantised
// to int16 with one step per node: the rounding error is under 1/65535 of
// the largest weight, far below what changes a ranking.
//
// Version 2 added the phrase vocabulary (FeatureConfig.Tags) to the header.
// A model without one is still written as version 1, which it is byte for
// byte, so that older programs keep reading it; one with tags is version 2,
// which older programs refuse rather than predict without the tags.
const (
	fileMagic   = "JCCLSMOD"
	fileVersion = 2
	// minFileVersion is the oldest version Load reads.
	minFileVersion = 1
)

// ErrVersion is returned (wrapped) by Load for a model file written by a
// different, unsupported version of the format.
var ErrVersion = errors.New("unsupported model file version")

type fileHeader struct {
	Config Config     `json:"config"`
	Docs   int        `json:"docs"`
	Nodes  []fileNode `json:"nodes"`
}

type fileNode struct {
	Path     []string `json:"path"`
	Labels   []string `json:"labels"`
	Rows     int      `json:"rows"`
	InvTemp  float32  `json:"inv_temp"`
	Step     float32  `json:"step"`
	IdfStep  float32  `json:"idf_step,omitempty"`
	Children []int    `json:"children,omitempty"`
	Top      [][]Term `json:"top,omitempty"`
}

// Save writes the model to w.
func (m *Model) Save(w io.Writer) error {
	var nodes []*node
	var paths [][]string
	var walk func(nd *node, path []string)
	walk = func(nd *node, path []string) {
		nodes = append(nodes, nd)
		paths = append(paths, path)
		for i, ch := range nd.children {
			if ch != nil {
				walk(ch, append(slices.Clone(path), nd.labels[i]))
			}
		}
	}
	walk(m.root, []string{})
	index := map[*node]int{}
	for i, nd := range nodes {
		index[nd] = i
	}
	h := fileHeader{Config: m.cfg, Docs: m.docs}
	var body bytes.Buffer
	var tmp [binary.MaxVarintLen64]byte
	for i, nd := range nodes {
		k := len(nd.labels)
		fn := fileNode{Path: paths[i], Labels: nd.labels, InvTemp: nd.invTemp, Top: nd.top}
		if nd.children != nil {
			fn.Children = make([]int, k)
			for j, ch := range nd.children {
				fn.Children[j] = -1
				if ch != nil {
					fn.Children[j] = index[ch]
				}
			}
		}
		if nd == m.root {
			fn.Step, fn.IdfStep = m.wStep, m.idfStep
			m.saveRoot(&body, &fn)
		} else if k > 1 {
			type br struct {
				b   uint32
				row int
			}
			brs := make([]br, len(nd.keys))
			var mx float32
			for j, b := range nd.keys {
				brs[j] = br{b, j}
			}
			for _, w := range nd.wts {
				mx = max(mx, float32(math.Abs(float64(w))))
			}
			slices.SortFunc(brs, func(a, b br) int { return int(a.b) - int(b.b) })
			fn.Rows = len(brs)
			fn.Step = mx / 32767
			if fn.Step == 0 {
				fn.Step = 1
			}
			prev := uint32(0)
			for _, e := range brs {
				body.Write(tmp[:binary.PutUvarint(tmp[:], uint64(e.b-prev))])
				prev = e.b
			}
			q := make([]int16, 0, len(brs)*k)
			for _, e := range brs {
				for _, w := range nd.wts[e.row*k : (e.row+1)*k] {
					q = append(q, int16(math.Round(float64(w/fn.Step))))
				}
			}
			binary.Write(&body, binary.LittleEndian, q)
			binary.Write(&body, binary.LittleEndian, nd.bias)
		}
		h.Nodes = append(h.Nodes, fn)
	}
	hj, err := json.Marshal(h)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(fileMagic)
	version := uint16(fileVersion)
	if len(m.cfg.Features.Tags) == 0 {
		version = 1
	}
	binary.Write(bw, binary.LittleEndian, version)
	zw, _ := gzip.NewWriterLevel(bw, gzip.BestCompression)
	binary.Write(zw, binary.LittleEndian, uint32(len(hj)))
	zw.Write(hj)
	zw.Write(body.Bytes())
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	return nil
}

// saveRoot writes the root's vocabulary, idf and weights from the packed
// rows, in bucket order.
func (m *Model) saveRoot(body *bytes.Buffer, fn *fileNode) {
	var tmp [binary.MaxVarintLen64]byte
	k := len(m.root.labels)
	var idf, w []int16
	prev := uint32(0)
	for r, b := range m.rootBuckets() {
		row := m.packed[r*m.stride : r*m.stride+1+k]
		body.Write(tmp[:binary.PutUvarint(tmp[:], uint64(b-prev))])
		prev = b
		idf = append(idf, row[0])
		w = append(w, row[1:1+k]...)
	}
	fn.Rows = len(idf)
	binary.Write(body, binary.LittleEndian, idf)
	binary.Write(body, binary.LittleEndian, w)
	binary.Write(body, binary.LittleEndian, m.root.bias)
}

// Load reads a model written by Save. It refuses files of another format
// version with an error wrapping ErrVersion, and damaged files with an error
// that says so; it never panics on bad input.
func Load(r io.Reader) (*Model, error) {
	br := bufio.NewReader(r)
	var head [len(fileMagic) + 2]byte
	if _, err := io.ReadFull(br, head[:]); err != nil || string(head[:len(fileMagic)]) != fileMagic {
		return nil, errorf("不是分类模型文件")
	}
	if v := binary.LittleEndian.Uint16(head[len(fileMagic):]); v < minFileVersion || v > fileVersion {
		return nil, fmt.Errorf("分类模型: 模型文件格式版本 %d 不受支持（本程序支持版本 %d 至 %d），请用本程序重新训练: %w", v, minFileVersion, fileVersion, ErrVersion)
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, errorf("模型文件已损坏")
	}
	zb := bufio.NewReader(zr)
	m, err := decode(zb)
	if errors.Is(err, ErrVersion) {
		return nil, err
	}
	if err != nil {
		return nil, errorf("模型文件已损坏: %v", err)
	}
	return m, nil
}

func decode(r *bufio.Reader) (*Model, error) {
	var hl uint32
	if err := binary.Read(r, binary.LittleEndian, &hl); err != nil {
		return nil, err
	}
	if hl > 64<<20 {
		return nil, errors.New("header too large")
	}
	hj := make([]byte, hl)
	if _, err := io.ReadFull(r, hj); err != nil {
		return nil, err
	}
	var h fileHeader
	if err := json.Unmarshal(hj, &h); err != nil {
		return nil, err
	}
	if err := h.Config.validate(); err != nil {
		return nil, err
	}
	// Word features (gse segmentation) were dropped: they did not improve
	// accuracy. A model trained with them would silently lose part of its
	// input, so it is refused like a file of another version.
	var legacy struct {
		Config struct {
			Features struct {
				Words bool `json:"words"`
			} `json:"features"`
		} `json:"config"`
	}
	if json.Unmarshal(hj, &legacy) == nil && legacy.Config.Features.Words {
		return nil, fmt.Errorf("分类模型: 模型使用了本版本已不支持的分词特征，请用本程序重新训练: %w", ErrVersion)
	}
	if len(h.Nodes) == 0 || h.Docs < 1 {
		return nil, errors.New("no nodes")
	}
	maxRows := 1 << h.Config.Features.Bits
	m := &Model{cfg: h.Config, docs: h.Docs, tags: newTagMatcher(h.Config.Features.Tags, h.Config.Features.Bits)}
	nodes := make([]*node, len(h.Nodes))
	for i, fn := range h.Nodes {
		k := len(fn.Labels)
		if k == 0 || k > 1<<16 || fn.Rows < 0 || fn.Rows > maxRows || (k == 1 && fn.Rows != 0) ||
			fn.Rows*(k+1) > 1<<26 {
			return nil, fmt.Errorf("node %d: bad shape", i)
		}
		if len(fn.Top) > k {
			return nil, fmt.Errorf("node %d: bad dictionary", i)
		}
		if !finitePositive(fn.InvTemp) || (fn.Rows > 0 && !finitePositive(fn.Step)) || (i == 0 && !finitePositive(fn.IdfStep)) {
			return nil, fmt.Errorf("node %d: bad scale", i)
		}
		nd := &node{labels: fn.Labels, invTemp: fn.InvTemp, top: fn.Top}
		if i == 0 {
			if k < 2 {
				return nil, errors.New("root has one class")
			}
			m.root = nd
			if err := m.loadRoot(r, fn, k); err != nil {
				return nil, err
			}
		} else if k > 1 {
			buckets := make([]uint32, fn.Rows)
			var b uint64
			for j := range buckets {
				d, err := binary.ReadUvarint(r)
				if err != nil {
					return nil, err
				}
				b += d
				if b >= uint64(maxRows) || (j > 0 && d == 0) {
					return nil, fmt.Errorf("node %d: bad bucket", i)
				}
				buckets[j] = uint32(b)
			}
			q := make([]int16, fn.Rows*k)
			if err := binary.Read(r, binary.LittleEndian, q); err != nil {
				return nil, err
			}
			wts := make([]float32, len(q))
			for j, v := range q {
				wts[j] = float32(v) * fn.Step
			}
			nd.setRows(buckets, wts)
			nd.bias = make([]float32, k)
			if err := binary.Read(r, binary.LittleEndian, nd.bias); err != nil {
				return nil, err
			}
		}
		nodes[i] = nd
	}
	// Link children; each node but the root must be the child of exactly
	// one earlier node (the header lists nodes in preorder).
	linked := make([]bool, len(nodes))
	for i, fn := range h.Nodes {
		if fn.Children == nil {
			continue
		}
		if len(fn.Children) != len(fn.Labels) {
			return nil, fmt.Errorf("node %d: bad children", i)
		}
		nodes[i].children = make([]*node, len(fn.Children))
		for j, c := range fn.Children {
			if c == -1 {
				continue
			}
			if c <= i || c >= len(nodes) || linked[c] {
				return nil, fmt.Errorf("node %d: bad child", i)
			}
			linked[c] = true
			nodes[i].children[j] = nodes[c]
		}
	}
	if depth(nodes[0]) > 3 {
		return nil, errors.New("taxonomy deeper than 3 levels")
	}
	m.root = nodes[0]
	m.link()
	return m, nil
}

// loadRoot reads the root section into the packed layout.
func (m *Model) loadRoot(r *bufio.Reader, fn fileNode, k int) error {
	nb := 1 << m.cfg.Features.Bits
	if k > maxRootClasses || nb*(k+1) > 1<<28 {
		return errors.New("root: too many classes for the hash space")
	}
	buckets := make([]int, fn.Rows)
	b := 0
	for j := range buckets {
		d, err := binary.ReadUvarint(r)
		if err != nil {
			return err
		}
		if d > uint64(nb) || b+int(d) >= nb || (j > 0 && d == 0) {
			return errors.New("root: bad bucket")
		}
		b += int(d)
		buckets[j] = b
	}
	idf := make([]int16, fn.Rows)
	if err := binary.Read(r, binary.LittleEndian, idf); err != nil {
		return err
	}
	w := make([]int16, fn.Rows*k)
	if err := binary.Read(r, binary.LittleEndian, w); err != nil {
		return err
	}
	m.root.bias = make([]float32, k)
	if err := binary.Read(r, binary.LittleEndian, m.root.bias); err != nil {
		return err
	}
	m.stride, m.wStep, m.idfStep = rowStride(k), fn.Step, fn.IdfStep
	m.packed = make([]int16, fn.Rows*m.stride)
	keys := make([]uint32, fn.Rows)
	for j, b := range buckets {
		if idf[j] <= 0 {
			return errors.New("root: bad idf")
		}
		keys[j] = uint32(b)
		base := j * m.stride
		m.packed[base] = idf[j]
		copy(m.packed[base+1:base+1+k], w[j*k:(j+1)*k])
	}
	m.index = newRankIndex(nb, keys)
	return nil
}

func finitePositive(f float32) bool {
	return f > 0 && !math.IsInf(float64(f), 0) && !math.IsNaN(float64(f))
}

func depth(nd *node) int {
	if nd == nil {
		return 0
	}
	d := 0
	for _, ch := range nd.children {
		d = max(d, depth(ch))
	}
	return d + 1
}
