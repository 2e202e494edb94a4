package text

import "strings"

// t2sPairs maps common traditional characters to simplified ones, as
// "繁简" pairs separated by spaces. It is deliberately small (the few hundred
// characters that dominate everyday complaints: housing, water, power,
// transport, school, hospital, wages) so it costs nothing at start-up; rare
// characters pass through unchanged, which only weakens their features.
const t2sPairs = `們们 個个 這这 來来 時时 為为 說说 國国 長长 門门 開开 關关 問问 間间 學学 會会 對对 樂乐 業业
東东 車车 馬马 見见 貝贝 頁页 風风 飛飞 魚鱼 鳥鸟 麥麦 黃黄 齊齐 龍龙 書书 買买 賣卖 電电 話话 語语
請请 謝谢 讀读 寫写 聽听 認认 識识 議议 論论 記记 設设 計计 許许 診诊 證证 評评 試试 詢询 該该 詳详
誤误 調调 談谈 護护 讓让 變变 環环 區区 醫医 藥药 檢检 測测 場场 廠厂 廣广 應应 華华 單单 員员 報报
處处 備备 復复 經经 濟济 價价 錢钱 銀银 錯错 鐵铁 鍋锅 鎮镇 陽阳 陰阴 隊队 際际 難难 雜杂 雞鸡 離离
雲云 靜静 順顺 須须 頭头 題题 顏颜 願愿 類类 顧顾 飯饭 館馆 養养 騎骑 驗验 髮发 鬧闹 點点 黨党 齒齿
壓压 壞坏 壩坝 塊块 堅坚 執执 夠够 夢梦 奪夺 婦妇 媽妈 孫孙 寧宁 實实 寬宽 寶宝 將将 專专 導导 層层
屬属 島岛 師师 帶带 幫帮 幹干 廢废 廳厅 強强 彎弯 後后 徑径 從从 徵征 態态 懷怀 戰战 戶户 拋抛 掃扫
掛挂 採采 換换 揚扬 損损 擁拥 擇择 擊击 擔担 據据 擠挤 擾扰 攤摊 敗败 數数 斷断 於于 曬晒 書书 會会
條条 來来 東东 棄弃 極极 樓楼 樣样 樹树 橋桥 機机 權权 歡欢 歲岁 歷历 殘残 氣气 沒没 決决 況况 溝沟
滅灭 滿满 漢汉 潔洁 澆浇 濕湿 灣湾 災灾 無无 煙烟 煩烦 熱热 燈灯 燒烧 營营 爭争 爺爷 牆墙 獨独 獎奖
現现 產产 畢毕 畫画 當当 療疗 發发 盡尽 監监 盤盘 眾众 睏困 礙碍 礦矿 碼码 確确 禮礼 禍祸 稅税 種种
稱称 積积 穩稳 窮穷 竊窃 節节 範范 築筑 簡简 簽签 糧粮 紀纪 約约 紅红 納纳 紙纸 級级 紛纷 細细 終终
組组 結结 給给 絡络 統统 絕绝 綠绿 維维 綜综 線线 緊紧 編编 練练 緣缘 縣县 總总 績绩 繁繁 繳缴 續续
罰罚 罷罢 羅罗 職职 聯联 聲声 聞闻 肅肃 脅胁 腦脑 腳脚 臉脸 臨临 興兴 舊旧 艱艰 藝艺 蘇苏 號号 蟲虫
術术 衛卫 衝冲 補补 裝装 製制 複复 襲袭 規规 視视 親亲 覺觉 觀观 計计 訂订 訊讯 託托 訪访 詐诈 訴诉
診诊 貧贫 貨货 責责 貸贷 費费 資资 賠赔 賴赖 購购 賽赛 趕赶 趨趋 跡迹 踐践 車车 軌轨 軍军 軟软 載载
輔辅 輕轻 輛辆 輸输 轄辖 轉转 辦办 農农 運运 過过 達达 違违 遠远 適适 遲迟 遷迁 選选 遺遗 還还 邊边
鄉乡 鄰邻 醜丑 釋释 針针 釣钓 鈴铃 錄录 鍵键 鏈链 鐘钟 門门 閉闭 閒闲 闆板 隊队 隨随 險险 隱隐 雙双
雖虽 電电 霧雾 靈灵 響响 預预 領领 頻频 額额 颱台 飲饮 餐餐 騙骗 驅驱 體体 鬥斗 魯鲁 鹽盐 麗丽 齡龄
緩缓 證证 據据 險险 屆届 屍尸 歸归 殺杀 濫滥 烏乌 猶犹 獲获 瑪玛 盜盗 碩硕 礎础 傳传 傷伤 債债 傾倾
僅仅 億亿 優优 償偿 兒儿 內内 兩两 劃划 劉刘 務务 動动 勞劳 勢势 勵励 匯汇 協协 參参 雙双 變变 嚇吓
嗎吗 噪噪 團团 園园 圍围 圖图 圓圆 聖圣 壽寿 汙污 污污 滬沪 粵粤 蘭兰 貴贵 遼辽 閩闽 隴陇 黑黑 噸吨
價价 側侧 偽伪 側侧 準准 淨净 鬆松 紮扎 餘余 麵面 裡里 台台 臺台 濱滨 潛潜 灑洒 爐炉 牽牵 犧牺 狀状`

// t2s is a dense table over the CJK unified ideographs block so that the hot
// path of Fold is one bounds check and one load, no map lookup.
var t2s [cjkLast - cjkFirst + 1]rune

const (
	cjkFirst = 0x4E00
	cjkLast  = 0x9FFF
)

func init() {
	for _, p := range strings.Fields(t2sPairs) {
		rs := []rune(p)
		if len(rs) != 2 {
			panic("text: bad t2s pair " + p)
		}
		if rs[0] >= cjkFirst && rs[0] <= cjkLast {
			t2s[rs[0]-cjkFirst] = rs[1]
		}
	}
}
