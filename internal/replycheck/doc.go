// Package replycheck checks the quality of a reply (答复质量) to a ticket:
// does it answer this message, is it complete, was it in time, is it
// boiler-plate. It is offline and explainable: every point taken off is a
// Reason in Chinese with its evidence, so that a handler sees what to fix
// and a leader can list the worst replies of a month (Worst).
//
// # Aspects and weights
//
// Check scores four aspects from 0 to 100 and combines them as a weighted
// mean (an aspect that cannot be scored, such as timeliness without times,
// is left out and the others share its weight):
//
//	Score = (40·Relevance + 30·Completeness + 15·Timeliness + 15·Boilerplate) / Σ weights
//
// and, because a complete, timely reply to another question is still no
// answer, the mean is capped by relevance: Score ≤ Relevance + 30.
//
// Relevance (答非所问) starts from the topic overlap of reply and message:
// the character bigrams of the reply (content runes, digits left out) that
// the message also has, weighted by their rarity in the corpus (inverse
// document frequency over the corpus's messages and replies, so that 来电,
// 核实 and 处理 weigh little and 油烟, 地锁 much), as a share of the reply's
// weight (precision) and of the weight of the message's 24 rarest bigrams
// (recall):
//
//	overlap = 0.6·precision + 0.4·recall,  Relevance = 100·min(1, overlap/0.30)
//
// then takes points off for what contradicts the message:
//   - a place: −25 when the reply names a compound, road or community
//     the message does not name (and that is not its community); −10 when
//     the message names specific places and the reply none of them;
//   - the question asked vs the answer given: a 咨询 asking for a procedure
//     (怎么办, 如何, 流程, 材料), an amount (多少, 标准, 比例), a place or office
//     (哪里, 哪个部门, 找谁), a time (什么时候, 何时) or a yes or no (是否, 能不能,
//     …吗) must be answered with one of the forms asked for (−30 when none
//     is); a 投诉, 举报 or 求助 answered only with an explanation of policy,
//     without anything done, loses 25;
//   - the category: with a corpus of at least 30 replies, a naive Bayes
//     model of the corpus's replies by their messages' categories (the
//     first level of the path) reads the reply; when it finds the reply
//     twenty times likelier (in its tempered posterior) a reply of another
//     category than of the message's own, −20.
//
// Completeness looks for five parts in the reply with patterns written
// on real 12345 replies:
//
//	who handled it   20  a unit or office: …局, …所, …办, …中心, 社区, 街道, 我单位 …
//	what was done    25  已…, 经核实, 现场查看, 约谈, 责令, 调解, 已联系来电人 …
//	the result       30  已解决, 已修复, 已恢复, 已清理, 处理完毕 … or why not:
//	                     暂无法, 不符合, 不属于, 纳入…计划, 建议…通过…途径 …;
//	                     for a 咨询 the answer itself (a procedure, an amount …)
//	the policy basis 15  依据/根据/按照《…》, 第X条, …规定 — asked only of a 咨询
//	                     and of a reply that refuses
//	a contact        10  a phone number, 咨询电话, an office or window to go to
//
// and scores the share of the applicable weight found (a 表扬 reply needs
// only who and what was done; a 建议 reply no result).
//
// Timeliness compares the reply's time with the ticket's time limit: 100
// in time, then linearly down to 0 at twice the limit (Timeliness =
// 100·max(0, 1 − overdue/limit)), with the reason "超出时限 2 天答复".
//
// Boiler-plate finds, among the corpus's replies, those near-identical
// to this one (estimated Jaccard of their character-bigram sets ≥ 0.7,
// bottom-k MinHash sketches of package hot) sent to messages that are not
// near-duplicates of this message (hot's repeat-request score below its
// threshold). With u such replies, Boilerplate = 100 for u < 3 and
// 100·3/u above, with the reason "与 37 件不相关诉求的答复相同（模板化）".
//
// # Corpus
//
// A Corpus is a street's recent replies with their messages, built once
// per month or batch (NewCorpus): the rarity of words, the category model
// and the boiler-plate index. When the message checked is in the corpus
// (same ID), its own pair is left out of the statistics. A nil Corpus is
// allowed: relevance then weighs every bigram alike outside a built-in list
// of stock phrases, and boiler-plate is not scored.
//
// Everything here is pure: values in, values out. A Corpus is safe for
// concurrent use once built.
package replycheck
