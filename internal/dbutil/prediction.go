package dbutil

import (
	"fmt"

	"jiceng/internal/core"
)

// PredictionDetails is the JSON of ticket_predictions.details in both
// stores: the lists of a prediction. Empty lists are left out, so nil and
// empty lists both read back as nil.
type PredictionDetails struct {
	CategoryTerms  []string       `json:"category_terms,omitempty"`
	IntentCues     []string       `json:"intent_cues,omitempty"`
	UrgencyReasons []string       `json:"urgency_reasons,omitempty"`
	Places         []core.Mention `json:"places,omitempty"`
}

// DetailsOf returns the lists of p.
func DetailsOf(p *core.Prediction) PredictionDetails {
	return PredictionDetails{p.CategoryTerms, p.IntentCues, p.UrgencyReasons, p.Places}
}

// Apply sets the lists of p from d, empty ones as nil.
func (d PredictionDetails) Apply(p *core.Prediction) {
	p.CategoryTerms, p.IntentCues = nilIfEmpty(d.CategoryTerms), nilIfEmpty(d.IntentCues)
	p.UrgencyReasons, p.Places = nilIfEmpty(d.UrgencyReasons), nilIfEmpty(d.Places)
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// UnknownTicket is the error of the i-th prediction (from 0) of a
// PutPredictions call, whose ticket does not exist.
func UnknownTicket(i int, id int64, err error) error {
	return &core.Error{Code: core.ENOTFOUND,
		Message: fmt.Sprintf("第 %d 条预测结果对应的工单（ID %d）不存在，未保存任何预测结果", i+1, id), Err: err}
}

// ErrPredictionNotFound is the error of a ticket without a prediction.
var ErrPredictionNotFound = &core.Error{Code: core.ENOTFOUND, Message: "该工单暂无预测结果"}
