// Package replycheck checks the quality of a reply (答复质量) to a ticket:
// does it answer this message, is it complete, was it in time, is it
// boiler-plate. It is offline and explainable: every point taken off is a
// Reason in Chinese with its evidence, so that a handler sees what to fix
// and a leader can list the worst replies of a month (Worst).
//
// # Aspects and weights
//
// Check scores four aspects from 0 to 100 and combines them as a weighted
// mean (an aspect that cannot be scored, such as timeliness without times
// or boiler-plate without a corpus, is left out and the others share its
// weight):
//
//	Score = (40·Relevance + 30·Completeness + 15·Timeliness + 15·Boilerplate) / Σ weights
//
// and, because a complete, timely reply to another question is still no
// answer, the mean is capped by relevance: Score ≤ Relevance + 30.
//
// Relevance (答非所问) is the best of three readings of whether the reply
// is about the message:
//   - topic overlap: the character bigrams of the reply (content runes,
//     digits and stock phrases left out) that the message also has,
//     weighted by their rarity in the corpus (inverse document frequency
//     over its messages and replies, so that 来电 and 核实 weigh little and
//     油烟 or 地锁 much), as a share of the reply's weight (precision) and
//     of the title's (recall): 100·min(1, (0.6·precision + 0.4·recall)/0.30);
//   - the neighbours: the same share of the reply found in the replies of
//     the 10 corpus messages nearest this one (hot's repeat-request score,
//     which also weighs place and category), averaged with those scores as
//     weights: 100·min(1, fit/0.40) — the way this street answers such
//     messages (with a corpus of 30 pairs or more);
//   - shared phrases: runs of three characters or more the reply takes
//     from the message, places and organisations left out (a reply about
//     another problem at the same place shares the place): 100·min(1,
//     characters/8);
//
// then takes points off for what contradicts the message:
//   - the question asked vs the answer given: −30 for a 咨询 answered with
//     what was done (已清理, 已责令) and none of the forms of answer its
//     question asks for (a procedure for 怎么办/如何/流程, an amount for
//     多少/标准, a place or office for 哪里/找谁, a time for 什么时候, a yes or no
//     for 是否/能不能/…吗); −25 for a 投诉, 举报 or 求助 answered only with an
//     explanation of policy, nothing done and no result;
//   - the category: with a corpus of 200 replies or more, a naive Bayes
//     model of its replies by their messages' first-level categories
//     (each with 20 replies or more) reads the reply; −20 when it finds
//     the reply twenty times likelier (tempered posterior) another
//     category's than the message's own;
//   - places, as hints (see Reason.Hint): −15 when the reply names
//     compounds, roads or communities but none of the message's, −10 when
//     it names none and the message's title does.
//
// A reply of stock phrases only (您反映的问题已收悉，已安排相关人员处理，
// 感谢您的支持: fewer than six characters left once they are taken out)
// answers nothing and nothing else: relevance 40, completeness 0, with the
// reason "答复只有套话，没有针对诉求的具体内容".
//
// Completeness looks for five parts with patterns written on real 12345
// replies and on the demo street's:
//
//	who handled it   20  a unit or office: …局, …所, …办, …中心, 社区, 街道, 我单位 …
//	what was done    25  经核实, 现场查看, 约谈, 责令, 调解, 已联系来电人 …;
//	                     for a 咨询 the answer itself (答复如下, a rule cited)
//	the result       30  已解决, 已修复, 已恢复, 已清理, 已+a verb of work done …
//	                     or why not: 暂无法, 不符合, 不属于, 纳入…计划, 建议…通过 …;
//	                     for a 咨询 an answer in a form its question asks for
//	the policy basis 15  依据/根据/按照…规定, 《…》, 第X条 — asked of a 咨询 of
//	                     whether, how or how much (or of no kind found), and
//	                     of a reply that refuses
//	a contact        10  a phone number, 咨询电话, an office or window (a hint)
//
// and scores the share of the applicable weight found (a 表扬 reply needs
// only who and what was done; a 建议 reply no result and no basis).
//
// Timeliness compares the reply's time with the ticket's time limit: 100
// in time, then linearly down to 0 at twice the limit (Timeliness =
// 100·max(0, 1 − overdue/limit)), with the reason "超出时限 2 天答复".
//
// Boiler-plate finds, among the corpus's replies, those near-identical to
// this one (estimated Jaccard of their character-bigram sets ≥ 0.7,
// bottom-k MinHash sketches of package hot) sent to messages that are not
// near-duplicates of this message (hot's repeat-request threshold). With u
// such replies, Boilerplate = 100 for u < 3 and 100·2/u from 3, with the
// reason "与 37 件不相关诉求的答复相同（模板化）" and the first tickets as
// evidence.
//
// The weights and thresholds were set by reading the errors on the demo
// street's tickets and on a labelled sample of 120 real messages with
// replies written for them (testdata/replies.jsonl; TestDemoSwapAUC and
// TestLabelledReplies print the figures).
//
// # Corpus
//
// A Corpus is a street's recent replies with their messages, built once
// per month or batch (NewCorpus): the rarity of words, the category model
// and the boiler-plate index. When the message checked is in the corpus
// (same ID), its own pair is left out of the statistics. A nil Corpus is
// allowed: relevance then weighs every bigram alike outside a built-in list
// of stock phrases and reads no neighbours, and boiler-plate is not scored.
//
// Everything here is pure: values in, values out. A Corpus is safe for
// concurrent use once built.
package replycheck
