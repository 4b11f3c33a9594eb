"""Rubric behaviour beyond labels: scores, allow-list, normalisation, latency, closing timing."""

from __future__ import annotations

import pytest

from roleplay.rubric.scorer import Scorer
from roleplay.text.normalize import normalize


@pytest.mark.parametrize(
    ("customer", "text", "techniques"),
    [
        # a needs survey the agent announces asks about her, whatever its 还是
        ("想买个收纳柜", "您好～先问您两个问题：是放阳台还是卧室？想要耐晒一点的还是轻薄一点的？", []),
        # a big one and a small one are options to buy
        ("两只一起买便宜吗", "两只一起拍减20，要两只一样大的，还是一大一小？", ["alternative"]),
        ("拍了", "订单看到啦，就差付款这一步了哦～", ["payment_reminder"]),
        # hours left on a coupon are a deadline, not stock running out
        ("好看是好看", "这个价格的券还剩最后3小时哦，喜欢可以直接拍", ["direct_ask", "urgency"]),
        # a promotion that is over is news
        ("满减还有吗", "上周那个活动结束了哈，不过老客我给您包邮", []),
        # the order placed for her, or on her word
        ("就要灰色的", "好嘞，灰色1.8米，我这就帮您把单子开好", ["direct_ask"]),
        ("行 就它了", "单个129，两个一起229，选好了说一声我给你安排", ["direct_ask"]),
        # a choice, then the order: what the agent helps with after 定了 is the purchase, not a needs survey
        ("我想给孙子织件毛衣", "细一点的针正合适，你要直针还是环形针？定了跟我说 我帮你把毛线也配好",
         ["alternative", "direct_ask"]),
        # 差不多了 is "about enough"; a voltage the product is made for is a spec, a batch's count is stock
        ("能多吃吗", "一天吃五六颗差不多了，多了容易上火哈", []),
        ("能带去日本吗", "国内版只做220V的，出国用要配变压器", []),
        ("好吃吗", "这个口味今年只做了300罐，卖完就没了", ["scarcity"]),
        # two on offer and one to pick; Cantonese 定 for 还是; ordering tonight
        ("哪种好", "有白莲和红莲两种，您挑一个就行", ["alternative"]),
        ("有什么颜色", "你想要奶白定雾蓝呀？", ["alternative"]),
        ("我再看看", "老顾客都回购这款，今晚就拍吧", ["direct_ask"]),
        # an unpaid order: a cutoff for paying that decides when it ships is a deadline as well; a
        # hold on the stock, or paying and then shipping, only reminds
        ("拍好了，等会儿付", "收到～订单还没付款哦，晚上6点前付款的今天就能发走", ["payment_reminder", "urgency"]),
        ("拍好了，等会儿付", "收到～订单还没付款哦，今天付款今天就给您寄", ["payment_reminder", "urgency"]),
        ("拍好了，等会儿付", "收到～订单还没付款哦，库存帮您留到明天中午", ["payment_reminder"]),
        ("拍好了，等会儿付", "收到～订单还没付款哦，付完马上给您安排发货", ["payment_reminder"]),
        # a delivery date told in northern speech to a shopper who did not ask when it ships
        ("我再琢磨琢磨", "行您慢慢琢磨，就是今儿下单明儿就能到家", ["urgency"]),
        # a try whatever comes between 先 and 试; an exchange if the size turns out wrong
        ("怕爸妈吃不惯", "先给爸妈拿两盒回去试一下", ["trial"]),
        ("怕号码不合适", "号码不对就给您换哈", ["trial"]),
        # the agent's hand on the order: offering to place or hold it, or on the shopper's pick
        ("酱油哪种好", "生抽老抽各一瓶就够用了，给您拍两瓶？", ["direct_ask"]),
        ("我再想想", "好的，要不要我先帮你留一件？", ["direct_ask"]),
        ("哪个颜色好", "米白和浅灰都耐看，您要米白还是浅灰？选好了我这边给您备注加急", ["alternative", "direct_ask"]),
        # a delivery day after today's order, unasked; a subsidy that ends at dawn; a price about to change
        ("我再考虑考虑", "好的～今天拍周六前就能到家哦", ["urgency"]),
        ("我比较一下", "好的亲，这档补贴只到早上8点哈", ["urgency"]),
        ("再看看吧", "行，不过过了今晚价格就要涨了", ["urgency"]),
        # an extra the agent puts in is a gift; a note added to the order is help with the order, no gift
        ("能便宜点吗", "价格动不了，我再给您搭个收纳袋", ["gift"]),
        ("能便宜点吗", "价格动不了哈，我帮您加个备注优先发", ["direct_ask"]),
        # a harvest that runs out; a taste taken home first, a sample before deciding
        ("我再看看", "好的，这批杨梅这周摘完就没了哦", ["scarcity"]),
        ("有点贵", "第一次的话先拍一小盒回去尝尝，合口味再囤", ["trial"]),
        ("怕颜色不对", "我们可以先寄色卡，您对着墙面比一比，满意了再定", ["trial"]),
        # a return offered for a product that disappoints, in any 不好X; 原味 is an option, not "still the same"
        ("打气筒好用吗", "按一下就打满，不好使7天给你退", ["trial"]),
        ("怕辣", "您要原味的两瓶还是原味微辣各一瓶啊", ["alternative"]),
        # the agent helping her pick, and what she means to do, are needs questions; a shape coming back is no deadline
        ("黑色和银色有区别吗", "您平时冲咖啡多还是泡茶多呀？我好帮您看配哪个滤杯", []),
        ("送男朋友", "您是想让他自己做，还是您做好了送他呀？", []),
        ("会塌吗", "回弹挺快的，压下去几秒就慢慢恢复", []),
        # an invitation to order if she likes it; free return-shipping insurance is the trial's, not a gift
        ("质量么样", "放心亲 回头客蛮多 喜欢的话可以下单哈😊", ["direct_ask"]),
        ("怕孩子不喜欢", "实在担心的话可以先拍，送运费险哦", ["trial"]),
        # a live room's way to the order; a first small bottle from a link is a trial; how far along she is
        # asks about her needs; a body recovering and a product that does not fail are no deadlines
        ("膝盖不好 管用吗", "孝心单品家人们 喜欢直接上车 点1号链接拍", ["direct_ask"]),
        ("怕踩雷", "怕踩雷的家人先拍3号链接那个900ml小瓶尝个鲜，不好吃直接找俺退", ["trial"]),
        ("给我老公买的", "他是刚开始练还是己经练一阵子了？刚开始练的话10公斤的就够了", []),
        ("手腕疼能戴吗", "慢慢就能恢复~ 这个分左右手的，您是要左手还是右手呢？", ["alternative"]),
        ("潮湿粘得牢吗", "回南天墙都出水了照样粘得住，不会一潮就失效", []),
        ("一个用多久", "不用隔几个月又去买 要白色还是灰色嘛？", ["alternative"]),
        # 还是没 is "still not"; 还是没有图案的 is still an option
        ("又丢了", "哈哈 我们店门口失物箱里去年的还是没人来领呢", []),
        ("选哪个", "要有图案的还是没有图案的呢", ["alternative"]),
        # how the one it is for is doing is a needs question; what he is to get is a choice
        ("第一次买 不懂", "方便问下老人现在是还能自己去厕所，还是基本卧床呢？", []),
        ("给我爸买", "他是要黑色还是白色呢", ["alternative"]),
        # filming is no order; the price as it still is answers the shopper
        ("我手残 能学会吗", "没关系 我教到你会为止 拍个视频发我就行~", []),
        ("涨价了？", "亲 没涨哈 现在还是19.9  只是券昨天领完了", []),
        ("涨价了？", "现在拍还能用券，明天就恢复原价了", ["urgency"]),
        # pay-after-use answers a shopper who asked how it works; offered, it takes the risk away
        ("先用后付是怎么弄的", "下单时支付方式选先用后付，收到货没问题再付钱，一般有7天时间", []),
        ("会不会不合脚", "可以先用后付，收到穿着合适再付钱", ["trial"]),
        # a price with a decimal point in what is tried first; ordering without a worry
        ("有便宜点的吗", "第一次用可以先拿这把9.9的基础款试试，轻巧好上手", ["trial"]),
        ("好的", "您可以放心订。", ["direct_ask"]),
        ("今天下單什麼時候寄", "下午3點前付款當天出貨唷，3點後就隔天寄出~", []),
        # two named, then which; a choice handed over; what she orders, across a comma
        ("一罐啤酒会满出来吗", "不会的亲 两只装和四只装您要那个呀", ["alternative"]),
        ("磨不磨脚", "脚踝包得稳~ 黑白还是荧光绿 你挑", ["alternative"]),
        ("都有吗", "两种都有哈～请问您是拍单有绳款，还是有绳无绳两用款呢？", ["alternative"]),
        ("买个拼图", "宝子是给孩子拼着玩，还是大人拼完要装框挂墙上？", []),
        # an order with a note; one more tucked in
        ("钥匙太多了", "可以做通开的，拍8把备注“通开”，我让仓库给您配好", ["direct_ask"]),
        ("能开发票吗", "可以哒 拍的时候备注下抬头和税号就行～", []),
        ("那就胎菊吧", "照，您直接拍两罐装那个链接，再塞一包枸杞给您配着泡。", ["direct_ask", "gift"]),
        # a restock notice is no order kept; patting it on and a patch test are how to use it
        ("甘草话梅还有吗", "或者我帮侬登记到货提醒，一到就通知侬😊", []),
        ("我手残", "直接点在黑眼圈上用手指拍一拍就好", []),
        ("我敏感肌", "敏感肌的话建议先擦耳後試一下唷", []),
        # 还是 after 都 or 最好 is "still" or "had better"; who will use it is a needs question; testing it on
        # something is how to use it
        ("冬天会变硬吗", "不会的 零下20度都还是软软的呢", []),
        ("能给宝宝喂药吗", "喂药的话最好还是去药店买专门的喂药器呢", []),
        ("推荐一本", "请问是孩子要玩还是大人自己玩呀？", []),
        ("第一次用注意啥", "建议您先在手背上试一试温度哈", []),
        # a needs survey in a numbered list, what it is for then for whom, the agent choosing once she says
        ("想买个刮刀", "先问下哈 1. 您主要画油画还是丙烯？ 2. 画布一般30*40以内还是更大？", []),
        ("想买个皮影", "亲是摆着看还是给孩子耍啊？", []),
        ("我该选哪个", "你平时跪在水泥地上吗？我好帮你看要3cm还是5cm厚的垫子哈", []),
        # … and still a close when the agent herself offers the two (not choosing for her)
        ("厚度有几种", "有3cm和5cm两种，您要3cm还是5cm的？", ["alternative"]),
        # a payment reminder's pay-by time keeps the order, no deadline to buy; a price that lapses still is one
        ("刚拍了 晚点付", "订单给您锁住啦 记得在今晚10点前付款哦 超时就自动取消了", ["payment_reminder"]),
        ("拍了 等下付", "记得今晚12点前付款哈，这个价过了12点就恢复39了", ["payment_reminder", "urgency"]),
        # a count asked for with 现货 answers; a gift that lapses tonight is a deadline
        ("多钱？有现货没", "39包邮 现货 仓库还有八十来个 不着急哈", []),
        ("我再看看吧", "今天拍还送一包火绒 过了今晚就不送了哈", ["gift", "urgency"]),
        # Sichuanese 好久到 asks when it arrives: the cutoff answers it; a survey of her hives, to fit the size, is
        # no choice to buy (in 俺 as in 我)
        ("今天拍好久到重庆？", "重庆同城噻，下午4点前拍当天就发，明天就到得了😄", []),
        ("推荐哪个好", "老铁你养的是中蜂还是意蜂呀？箱子是十框标准箱还是自己打的土箱子？俺好给你对尺寸", []),
        ("推荐哪个好", "十框的跟土箱的都有，您要十框的还是土箱的？", ["alternative"]),
        # the last of a list is a place in it; the last few in stock are scarce
        ("盒子里都有啥", "手机、充电器、数据线、卡针，最后一件是个透明保护壳，都是原装的", []),
        ("有没有无香的", "有的有的！无香型在规格里最后一个，宝宝衣服、敏感肌的都挑那个～", []),
        ("我再看看", "电动款就剩最后5个了，这批走完要等下个月", ["scarcity"]),
        # a day and the end it brings, and what lapses after it, but not when she asked the day, nor a promotion
        # that is over; her hand put on the cart (3.26)
        ("我再想想", "好的亲，这个团购价到礼拜天为止哈", ["urgency"]),
        ("这个价到哪天", "到本月28号晚上结束哈", []),
        ("我再考虑下", "今天下单加送一副手套，过了这周就没得送了哦", ["gift", "urgency"]),
        ("怎么涨了", "上个月赶上满减了，这周满减结束了呢", []),
        ("我问问我妈", "好的，您可以先把两件都加入购物车，问好了一起结算", ["direct_ask"]),
        # a gift she asked for, refused, is no gift close; one offered instead, or asked of the boss, is (3.26)
        ("能送个收纳袋吗", "不好意思亲，收纳袋不在赠品范围内，这边没办法单独加送", []),
        ("我再看看", "收纳袋是送不了哈，不过今天下单送您一块擦布", ["gift"]),
        ("能便宜点吗", "价格改不了，我去跟店长申请一下，看能不能送您一块擦布", ["direct_ask", "gift"]),
        # a price change announced for next month urges one who did not ask (3.27)
        ("过阵子再买", "跟您说一声，厂家通知下个月起调价哈", ["urgency"]),
        # hay without limit and leftovers are no stock; the price changed for her is an ask; a tasting size from a live
        # room's link is a trial (3.28, batch BE)
        ("一天喂多少", "干草是无限量的，吃剩的每天倒掉换新", []),
        ("两件能便宜吗", "可以的，我帮您改个价", ["direct_ask"]),
        ("好吃吗", "怕踩雷就先拍2号链接的小袋尝个鲜", ["trial"]),
        # a price and the day it lasts to, a group buy's closing time, a gift that lapses after a sales festival, an
        # order taken with a fancy; a flow rate coming back is no price change (3.29, batches BF and BG)
        ("十个起有优惠吗", "这个价只到月底，下个月铜价一涨我们也得跟着调~", ["urgency"]),
        ("这个灯几个一套", "4只装69，这批今晚8点截团噢", ["urgency"]),
        ("什么时候发货", "今晚8点截团，厂家后天发货", []),
        ("要不要等双十二", "想等也行。双十二就不送这些了。", ["urgency"]),
        ("有点心动了哈哈", "心动就拍哇😄", ["direct_ask"]),
        ("能用多久？", "堵了反冲洗一下流速就恢复，比一次性的耐用得多哈", []),
        # the price it comes back to when the time is up is a deadline, in a payment reminder too; a price that has come
        # back already is news (3.33)
        ("拍了 晚点付", "收到～订单还没付哦 团购价只留半小时 超时就按89结算啦", ["payment_reminder", "urgency"]),
        ("下好单了", "看到啦 还没付款哈 过了今晚系统自动恢复129 记得早点付", ["payment_reminder", "urgency"]),
        ("拍了还没付", "好的 订单给您留着 不过拼单价超时也跟着没了哦", ["payment_reminder", "urgency"]),
        ("上周不是39吗", "上周是店庆价 现在恢复45了哈", []),
        # … and so it is when the learned model leans towards a deadline: the clause the trainer's unless list rules out
        # is ruled out for the model too (batch BV joined)
        ("好的", "上个月是店庆价 现在已经恢复59了哈", []),
        # the order placed or held for her, offered as a question; a video offered is no order
        ("这个挺好看的", "喜欢的话要给您拍两个吗？", ["direct_ask"]),
        ("颜色正吗", "实物跟图一样的，我帮您拍个视频看看？", []),
        # the agent who can film it, how many one order holds, the sizes on offer
        ("能寄样品吗", "样品寄不了 不过我可以拍竹片的近照给您看", []),
        ("一单能拍多少", "单个订单最多可以拍20把哈", []),
        ("有大一点的吗", "有的 15、20、30三种可以拍", []),
        ("这个好用吗", "好用的亲 可以拍", ["direct_ask"]),
        ("那我要白的", "好嘞，白的库存紧，我先给您把货锁上？", ["direct_ask"]),
        # 直接拍 then a gift in the same clause: an ask for the order and a gift (3.33)
        ("那我要两个", "好嘞您直接拍下我这边给您备注再送两个挂钩", ["direct_ask", "gift"]),
        ("有什么活动吗", "您拍下我送您一个挂钩", ["gift"]),
        # a room or a use named inside what she is asked to take is still a choice; what she will do is a needs question
        ("哪个好", "您要单门铃还是带室内屏的套装？", ["alternative"]),
        ("哪个尺寸", "您要12升放卫生间的还是16升放厨房的？", ["alternative"]),
        ("这个能刷缝吗", "您是要刷卫生间还是厨房的缝？", []),
    ],
)
def test_closing_structures_in_new_words(scorer, customer, text, techniques):
    found = scorer.score_text(text, customer_text=customer).results["closing"].detail["techniques"]
    assert sorted(found) == techniques


@pytest.mark.parametrize(
    "text",
    [
        "最近比较忙", "只剩最后3台了", "第一次买的话可以先试试", "最多3天就到", "最后一件了",
        # how long is best, when to buy is best, what is hardest for her: advice and feelings
        "下锅前焯两分钟最好", "今天下单最划算", "挑款式是最纠结的",
        # the only colour on offer, what is best under a condition
        "这款唯一的配色就是奶白", "水温25度的时候发芽最快",
        # the only difference in a classical register; an offer asked as a question; a refusal with another product
        "唯一之别在于颜色", "帮您换成同款蓝色的好不好呀", "连不了哦 要连手机得看智能那款 链接发你",
        # an absolute denied: 萬能 in traditional characters, 并非 before 唯一
        "紙棉又不是萬能的 兩個禮拜換一次就好", "并非唯一的办法 也可以先泡一晚",
        # a child seeing it for the first time
        "孩子第一次看到细胞都会兴奋得叫出来",
        # an ordinal with 句 or 潮, how hard at most
        "商品页第一句就写了保留原木手感", "第一潮采完补点水还能出第二潮", "最硬建议到樱桃木，再硬容易崩刃",
        # a motto, what matters most in Cantonese, the agent's own ignorance then and now, a joke about it
        "安全第一，建议选带限速的", "拍人像最紧要系显色", "我刚学那会儿也分不清生普熟普", "这个我这会儿心里没数，问下仓库",
        "别问我怎么知道的哈哈",
        # a refusal with another way to do it: another vessel, a coupon that can still be had
        "不能放微波炉哦 要加热换个瓷碗", "价格改不了哈 店铺券还是能领的 满200减20",
        # when to order is safest; a fibre that is all of the fabric, named or not in the allow-list
        "月底前下单最稳当，年前肯定到", "面料是100%天丝的", "里衬100%莫代尔，贴身穿很软",
        # a limit with an adjective of height or width, at most and that is all, the soonest tomorrow
        # morning, a knob turned to its end, what is best at a moment, a ceiling as a ceiling
        "最窄1.2cm的缝也塞得进", "最多就装这么多了", "上海的话最快明晚到", "风扇别开到最大，晚上吵",
        "傍晚那会儿蚊子最多", "灯光往天花板打，不刺眼",
        # the best way to use it, after a condition
        "两头各垂下来20公分，这样比例最好看", "新手的话最好选棘轮省力的",
        # a superlative denied, one of a spot, a comparative, a word in scare quotes
        "支架不是最要紧的，先选琴", "腰那里勒得最紧，往上就松了", "三片刀的更万能", "度数也是有“天花板”的哈",
        # the shop's cheapest at its price, a superlative asked about, the best way to eat it
        "咱家最便宜的手动都89了", "您家砖最长多少我帮您对一下～", "蘸沙茶酱最正",
        # buying soon as the safe bet, an ordinal with 幅, what a child is like
        "想入秋前保养的话，这两天拍最稳", "新手第一幅刮刀画用它就行", "我以前带的班上最坐不住的小男孩都能拼二十分钟",
        # the only difference in Wu (额 for 的), an ordinal with 环
        "两只是一模一样额，唯一额区别就是颜色", "先把第一环从柄上退下来",
        # an ordinal with 种, when people do it most, a share of solid wood
        "调经典鸡尾酒一般用第一种哈", "藏历新年前后换的人最多", "北美黑胡桃，100%实木，表面擦的是木蜡油",
        # an oil it is made of, the one thing added, named
        "基底油是100%分馏椰子油 唯一的添加就是沉香精油 不含酒精",
        # a limit played down (3.29, batches BF and BG)
        "没影响的，最大工作电流才45mA", "最多装个大半盘，也就2公斤砂土左右",
        # what the shopper herself cares about most (3.30: the claim model refitted with batches BH, BI and BJ no
        # longer took the first back)
        "您要是最在乎噪音，就选静音款", "你最看重的是续航的话，选大电池那款",
        # 100% before a material named by its head character, and the only place one thing differs with words between
        # (3.30, from the cross-validated false alarms of the development part)
        "是的亲，100%紫铜的烙铁头，导热快", "手柄是百分百山毛榉实木的", "刷头是100%不锈钢丝",
        "盒身是铝合金的，唯一用了塑料的地方就是里面的卡槽", "两只唯一不一样的地方是泥料",
        # a share of where it comes from (3.32)
        "这款蜡是100%植物提炼的，不含石蜡",
        # 绝对 as the first half of a technical term
        "点的大小按视星等画的，不是绝对星等哦", "这个表显示的是相对湿度，不是绝对湿度",
        # which of the shop's options sells most, and one end of a range with the other named (3.31)
        "咱店里卖得最多的是奶茶色，其次是雾霾蓝", "两种规格里买的人最多的是小号",
        "档位从最低一档到五档，晚上开一档就够", "刻度从最细的0.5mm一直到3mm都有",
        # 100% before what it is made from, with how it is made (3.33)
        "这款炭是100%椰壳压制的，烟很小",
    ],
)
def test_allow_list_is_not_flagged(scorer, text):
    hits = scorer.score_text(text).results["forbidden"].detail["hits"]
    assert not [h for h in hits if h["category"] == "absolute_claim"]


@pytest.mark.parametrize(
    ("customer", "text", "category"),
    [
        # "the devil knows" refuses to know; Wu 弗懂就弗要 is 不懂就不要 (don't talk of what you don't know)
        ("能保证不过敏吗", "这个谁敢打包票 你皮肤啥情况鬼知道", "denial"),
        ("是不是智商税", "弗懂就弗要瞎讲好伐", "contempt"),
        # a dare to complain, with a southwestern particle or the complaint said twice
        ("你们这个质量太差了", "放久了本来就会这样，不服你去投诉撒", "confrontation"),
        ("我要给差评", "要差评你就去差评，我们问心无愧", "confrontation"),
        # the question answered already; asking everything (莫 is 别 in the southwest)
        ("这个软不软", "刚才已经回答过您了，软的，您放心用就是了。", "impatience"),
        ("这个怎么收起来", "视频里都有演示 麻烦自己先看一哈，莫什么都问", "impatience"),
        # what everyone should know, told as such
        ("304和铝合金有啥区别", "您好，这个属于基础常识了哈，您自己对比下就清楚了。", "contempt"),
        ("会不会磁化手机", "现在啥年代了还担心磁化哦 多读点书嘛", "contempt"),
        # what the shopper should know, presumed; her level made small; the shop not for her budget
        ("防晒指数啥意思", "这个防晒常识应该大家都知道的吧", "contempt"),
        ("刀片怎么换", "就你那两下子还自己换刀片？", "contempt"),
        ("有三十多的吗", "预算就三十块的话，我们家的确实不太适合您哈", "contempt"),
        ("这个怎么调", "这都不会的话说明书第一页有，不懂行就莫乱调", "contempt"),
        # hurry rebuked, the chat log pointed to, next time yourself
        ("在吗？？？", "在的，您连发问号也不会让我回得更快哦", "impatience"),
        ("多大尺寸", "请您看一下上面的聊天记录哦", "impatience"),
        ("一盒几片", "外包装上写着呢，下回自己看看哈", "impatience"),
        # blame thrown back
        ("到手就坏了", "那是快递摔的，别把锅甩到我们头上哈", "confrontation"),
        ("收到是碎的", "签收的时候不拆开看，现在才来说", "confrontation"),
        ("到底多重", "上面刚说过了，1.2公斤", "impatience"),
        ("能发顺丰吗", "只发韵达，没得改", "denial"),
        # what she wants is in her dreams; 妳 is 你; not knowing as an excuse is a refusal (我又没说 argues)
        ("有没有50块的电动的", "50块想要电动的 亲可以去梦里康康哦", "contempt"),
        ("這次不想再踩雷", "那就隨便妳囉", "confrontation"),
        ("有沒有跟NARS一樣的色號", "別家的東西我又沒用過～", "denial"),
        ("寄新疆包邮不", "包不包邮我咋个晓得嘛", "denial"),
        ("不是说送卸甲水吗", "我们又没承诺过，是你自己想当然", "confrontation"),
        # mock praise of her thrift, the shop bowing out of her way, the cheapest markets, two things she
        # cannot tell apart, her taste invoked to shame her, sense she is told she lacks
        ("拼多多才二十几", "宝子好会过日子哦👍 那就不耽误你捡漏啦～", "contempt"),
        ("这么贵？", "对对对 我们这个确实配不上你哈", "contempt"),
        ("有没有一百多的", "预算有限嘛😊 那建议去pdd搜个9块9的", "contempt"),
        ("304和201有啥区别", "哦豁 304和201都分不清嗦～😊", "contempt"),
        ("能醒啤酒吗", "啤酒要留气泡的，相信以您的品味一定能理解。", "contempt"),
        ("这个有毒吗", "标题里就有写的，一般稍微有点常识的客户不会这么问", "contempt"),
        # not knowing, in 咱/俺, or any "I never tried it" as an excuse; an answer refused as out of scope
        ("哪个保温久", "那咱哪知道啊 没测过", "denial"),
        ("会留印子吗", "我又沒貼過PU的 妳自己買回去試囉", "denial"),
        ("醒多久合适", "您好，具体酒款醒多久不属于商品咨询范畴，请您知悉。", "denial"),
        # a complaint invited, evidence demanded; read the page before asking next time
        ("你们是不是黑心", "说话要有证据喔，觉得我们黑心可以去检举啊", "confrontation"),
        ("一盒几个", "一盒4个。麻烦您下次咨询前先花一分钟看一下页面，谢谢。", "impatience"),
        # admired for her haggling, sent to the night market, told everyone knows; a complaint left to her
        ("1毛一支行不", "哇 老板您是真会砍价 佩服佩服👍", "contempt"),
        ("有带水钻的吗", "水钻那种嘛…夜市摊上应该挺多的，您去那边找找😊", "contempt"),
        ("贴嘴上咋喘气", "人是用鼻子喘气的呀 这个常识俺还以为大家都知道哩", "contempt"),
        ("回消息这么慢", "要投诉的话右上角请便～", "confrontation"),
        # a child as the yardstick of what she cannot do or know
        ("这个怎么装", "说明书画得清清楚楚，小学生看一眼都会了吧", "contempt"),
        ("这个是干嘛用的", "这个嘛 小孩子都知道的哦😅", "contempt"),
        # she can surely spare it, she is sent to the supermarket, mock praise with a sweat, cheapness she may
        # keep to, what primary school taught; asked twice, said with a sigh
        ("有没有便宜的", "您应该也不差这几十块吧😊", "contempt"),
        ("这个太贵了", "那您去超市买散装的就行啦", "contempt"),
        ("这就是个普通夹子吧", "哇您懂得真多呀😅", "contempt"),
        ("有十块的吗", "您要是就图个便宜 那种也蛮好的", "contempt"),
        ("这个要装电池吗", "不用电的 这个小学科学书上都有讲哈", "contempt"),
        ("多少个一包", "上面问了我两遍了 100个", "impatience"),
        # her level made small, her schooling mocked, told to save up a sum
        ("有便宜点的吗", "您现在的水平还用不着这么好的哈", "contempt"),
        ("盐水能养出来吗", "能养出来算您厉害 物理课应该没好好听吧", "contempt"),
        ("贵了点", "攒够50块再来也不迟哦～", "contempt"),
        # her idea so good the shop could retire, quite the talent, not everyone can afford it; not knowing as an
        # excuse, only selling it
        ("不用学就能会吗", "那我们店里的老师傅都可以退休了呢😊", "contempt"),
        ("能拿它腌咸菜吗", "侬真是个人才呀🌸", "contempt"),
        ("有三百的吗", "最平都要一千二 不是人人都玩得起的", "contempt"),
        ("能吹C调吗", "这我哪能晓得呢 我只管卖笛子的呀", "denial"),
        # a picture pointed to stays a rebuke when "it was all sent to you" comes first
        ("靶心多高", "刚才图都发你了 手指头往上划一下会累着吗", "impatience"),
        # Cantonese: "I don't deal with invoices, don't ask me"
        ("能开发票吗？公司报销用", "发票嗰啲我唔理，唔好问我", "denial"),
        # what everyone in the trade knows, with a shrug; something cheap elsewhere for her price complaint
        ("550是多少米", "不是米哦~ 550是拉力550磅的意思 这个玩户外的基本都知道哈", "contempt"),
        ("玄凤能吃吗", "亲这个…养鸟的基本都晓得吧，玄凤粮颗粒大虎皮嘴小啄不动的", "contempt"),
        ("怎么这么贵", "玻璃锉就是这个价哈 嫌贵的话楼下两块钱的铁锉也能用呢🙂", "contempt"),
        ("不就一块木头", "您觉得贵的话9块9那种也能玩的", "contempt"),
        # what those in the know see, and she does not
        ("书衣有啥用", "亲，书衣嘛，懂书的人自然懂哈~", "contempt"),
        ("这个贵在哪", "手艺活儿的东西 不懂行的看着是贵", "contempt"),
        # said already and don't ask again, in Cantonese; short of money, she had better not look at it (3.23)
        ("有几厘米长", "都讲咗15cm喇，唔好再问啦", "impatience"),
        ("几号发货", "都说过48小时内了", "impatience"),
        ("39太贵了 20卖不", "钱包紧的话就先别看我们这款了哈", "contempt"),
        # her skill named with 这 as the reason it will fail
        ("绣完能卖钱吗", "再说了就您这个水平 绣完能不能看都难说呢", "contempt"),
        # agreement said three times, then her wisdom praised; her thrift or invention praised for a cheap idea;
        # even that asked, or beyond her; a small price still too dear (3.31)
        ("这不就是个塑料夹子吗", "对对对 您说得太对了 那您拿个晾衣夹凑合用吧😊", "contempt"),
        ("我用手剥不就行了", "是是是 宝子真聪明👍 那这剥壳器您就别买啦", "contempt"),
        ("拿泡沫板自己做一个不行吗", "哇亲好会过日子哦😊 那您自己拿泡沫板做呗", "contempt"),
        ("要刷底漆吗", "连底漆都要问啊😅 刷，两遍", "contempt"),
        ("这个怎么拧", "拧个螺丝连扳手都不会用 还是找师傅吧", "contempt"),
        ("29有点贵", "29块还嫌贵？那您用手掰吧", "contempt"),
        # what anyone who has done it knows (3.33)
        ("为啥画出来糊成一片", "水放多了呗，这个学过两个礼拜的都晓得", "contempt"),
        ("到底几根", "盒子上印着100根 老是问一样的😑", "impatience"),
        # the answer said three times over
        ("到底几克", "净重250克 250克 250克～我都打第三遍啦", "impatience"),
    ],
)
def test_dialect_and_idiom_forms_of_a_fault(scorer, customer, text, category):
    assert _forbidden(scorer, text, customer) == [category]


@pytest.mark.parametrize(
    ("customer", "text"),
    [
        # an idiom (I learned it the hard way), even where a close variant of 我怎么知道 is looked for
        ("滤网多久洗", "滤网两周洗一次就行，不洗会有味道，别问我怎么知道的😂"),
        # an ordinal of a setting, the worst of a batch as a measured fact, a patina the shopper makes
        ("风大不大", "第一档是睡眠风，第二档才是自然风"),
        ("准不准", "出厂测了50台，最差一台误差也只有0.2秒"),
        ("会变色吗", "会的，这种皮半年后颜色变深，就是您自己养出来的样子了"),
        # the returns the shop grants, stated with those it does not: no refusal
        ("不合适能退吗", "没拆封的支持7天无理由哈，拆开用过了就退不了了"),
        # a refusal with a coupon to take, or the shop's default carrier, instead
        ("再便宜10块行吗", "这个价真改不了啦 店里有满99减10的券 领了更划算"),
        ("能发顺丰吗", "顺丰走不了哈 默认发圆通 一般两三天到"),
        # an answer passed on for her, common knowledge explained, one item packed on its own
        ("到货能快点吗", "我已经帮您回复过仓库了，让他们优先安排"),
        ("这个怎么保存", "给您科普点基础常识：开封后密封冷藏就好"),
        ("能分开装吗", "可以的，每个单独一个袋子装"),
        # using one's brain, a payment service's 呗
        ("给孩子玩合适吗", "合适的，拼起来还愿意动脑子"),
        ("能分期吗", "可以用花呗分3期哦"),
        # an upsell is no slight; the returns still granted, with their days, take back a rule's 没办法
        ("茶刀单买多少", "单买是29哈～ 要不要顺便看看我们家老白茶"),
        ("拆箱了不喜欢能退不", "拆箱没通电是能七天无理由的～ 通电用过就只能质量问题退换啦 售后规定这块没办法特殊处理哈🙏"),
        # what damage costs, told ahead; the policy's reason with what it asks for; an A-not-A question;
        # additives never used; the agent's joke about her own messages; an offer to explain
        ("到手要洗吗", "要洗，千万别暴晒，晒裂了没法退😅"),
        ("碎了包赔不", "碎了凭开箱视频免费补发 没视频的这边处理不了 麻烦收货录一下"),
        ("一次喂多少", "头三天少放点，看它接不接受，碗里空了再添"),
        ("有添加剂吗", "啥胶啊防腐剂啊一概不加，配料表上就俩：大豆、水"),
        ("嗯", "咋没动静了呢😂 是不是被我刷屏了哈哈，不急不急，您慢慢挑"),
        ("你会算塔罗吗", "牌面意思我倒是背了点，侬有看不懂的牌尽管问我"),
        # what the product cannot cure, said honestly; what sells most in the shop itself
        ("我有灰指甲 抹这个能好不", "灰指甲是真菌感染 俺家这是护理油 治不了 先去医院皮肤科开点药"),
        ("味道都有啥", "有玫瑰 柑橘 还有无香的 這兩個俺這賣的最多"),
        # look-alikes of this session's contempt and denial shapes: a product that saves power, flattery of her
        # taste, two things many people confuse explained, a question passed to a colleague
        ("费电吗", "这款空调超会省电，一晚上不到一度"),
        ("哪款好看", "以您的眼光，肯定会喜欢这款奶油白"),
        ("304和201有啥区别", "这两种很多人都分不清哦，其实304更耐腐蚀"),
        ("能接220V吗", "这个问题我暂时无法回答，我去问下技术同事马上回您"),
        # what children will do is an ease the product offers; a warning with 绝对, the one thing to mind, a fibre
        # at 100%; a rival measured against the shop's product (no slight of the shopper, and no 极限词 on its own)
        ("好用吗", "操作特别简单，小朋友都会用"),
        ("难不难", "很简单的 孩子都会的"),
        ("能等双十一吗", "您也不差这几天吧 活动价到时候更划算"),
        ("要先学理论吗", "这门课没学过也没关系"),
        ("怎么清洗", "清洗时绝对不要用钢丝球，软布擦擦就好"),
        ("能放洗碗机吗", "唯一要留意的是别放洗碗机，手洗就行"),
        ("什么面料", "里外都是100%尼龙的"),
        ("跟便宜的有啥区别", "咱这个每个边都打磨过，不像那种便宜货毛毛糙糙的"),
        ("和迪卡侬的比呢", "迪卡侬那款跟咱这个不是一个档次"),
        # praise of her idea said plainly
        ("我想拿它当笔筒", "您真有创意，这个用法很特别"),
        # her order's fate told with certainty, a hedge, a share denied, a batch's two ends, who buys it most,
        # a warning with 绝对, full power as no scope
        ("今天能发吗", "刚问了仓库 百分百今天发出"),
        ("保证每颗都有晶体吗", "不跟您打百分百的包票，天然的东西总有例外"),
        ("是纯碳的吗", "不是100%碳纤维，里面有钢芯"),
        ("多大个", "最大的有拳头大，最小的也有核桃大"),
        ("小孩能玩吗", "8到12岁的孩子买得最多"),
        ("能放暖气片上烤干吗", "这可绝对不中 遇热会缩"),
        ("采样率多少", "四通道全开的时候最高100M"),
        # a product's ease (the helper can retire), the agent blaming herself, what use costs told ahead
        ("好用吗", "有了它 我们家阿姨都可以下岗了哈哈"),
        ("嗯 我再想想", "刚才我是不是讲得太乱了 哪里没说清楚您随时问我"),
        ("能退吗", "七天无理由是有的 穿上线用过了就退不了了 您理解下"),
        # pictures pointed to after the answer; a child who can go and look for himself
        ("有几种啊", "仨款 小号 中号 大号 价不一样 详情页都有实拍图 您瞅瞅"),
        ("买这个干啥", "自己种的吃着放心 孩子放学回来还能自己去看看长了多高"),
        # directions that say what she will find, or follow a picture's number
        ("头是平的还是带齿的", "是带齿的哈 详情页第三张图有特写 您往下划划就看到了👀"),
        ("有刻度线吗", "有的亲~ 我刚才在上面发您那张实拍图 您往上翻一下就看到啦😊"),
        # her not knowing which to pick with help offered; "failing that" before another way; the agent's weak spot
        ("我先去量一下", "要得嘛 亲慢慢量 量好了不晓得选哪个尺寸再来喊我哈"),
        ("怎么偷偷量他手指", "趁他睡着套一下 实在不行，把他常戴的旧戒指拿来比一比也行"),
        ("高度到底是多少", "是额打错了 额打铁行 打字不行 是1.2米"),
        # a refusal with another listing next door, another idea, the chat here instead of WeChat
        ("能拆开卖一块吗", "真拆不了🙏 您要是只想要一两块，隔壁链接有2块装的小盒"),
        ("能定做logo吗", "单张的定制确实做不了哈 要不你看一哈我们字母+数字那套"),
        ("能加个微信吗", "微信加不了哈 平台不让😭 有事直接在这找我就行"),
        # a gift that lapses is a deadline, not a refusal
        ("我再看看吧", "今天拍还送一包火绒 过了今晚就不送了哈"),
        # someone else who has no time for her (the bees, busy with honey)
        ("我怕蜂子蛰我哈哈", "莫怕，烟一熏它们就顾着吃蜜去了，冇空理你的，安安心心开箱就是~"),
        # 第一 + a measure word is an ordinal (the first sheep); returning buyers who know the shop boast;
        # the shop's own cheaper model offered for a price complaint
        ("插电的还是充电的？", "插电的亲，220v直接插上，剪到最后一只羊跟第一只一样快👍"),
        ("靠谱吗", "靠谱的亲，我们做了十几年花了，老客都晓得的哈，质量您放心"),
        ("有点贵", "觉得贵的话我们还有59的基础款，也够用"),
        ("弹起来啥感觉", "您在家弹蓝草，一扫弦就是那个味儿，懂的都懂"),
        # the worst of something else is no claim; a puzzle's one answer is a fact
        ("书压不行吗", "哈哈 书也压得干 就是你那两本书怕是史上最惨的书了 泡得胀鼓鼓的😂"),
        ("题目有答案吗", "每一题都是用程序验证过的，每题都只有唯一解，答案附在书的最后面"),
        # an ordinal of strokes or batches; what she will learn is no claim; what other buyers said;
        # the shop's own cheaper one for a tight budget (3.23)
        ("怎么画才自然", "建议第一笔先从唇峰开始，再往嘴角带"),
        ("我手残", "没事的，跟着视频练两遍，绝对能学会"),
        ("好用吗", "买家都说了好用，回购的很多"),
        ("能便宜点吗", "预算紧的话，同款有个小号的便宜二十，我发您链接看看"),
        # 绝对 as a must in how to use it, or said by the agent of himself
        ("买之前要注意啥", "这个尺寸绝对要量准，差1cm都塞不紧"),
        ("你们是厂家吗", "是的亲，我绝对不跟你整虚的，工厂直发"),
        # her taste praised
        ("这个颜色好看吗", "您这眼光真好，这个色很衬肤色"),
        # agreement the agent means, going on to help; the shop's own cheaper one if she still finds it dear;
        # 连 of eating on; her care praised (3.31)
        ("尺码怎么选", "对对对，您说得对，是要看脚长～我帮您对一下尺码表"),
        ("有点贵", "您要是还嫌贵的话，我们还有39的基础款，一样好用"),
        ("会不会腻", "我们家薯片不腻，您下午追剧连吃半包都不会齁嗓子"),
        ("新手用哪个头", "您真细心，问到点子上了，新手先用细头的就行"),
        # an eager "yes, we have it" three times, and laughter (3.31)
        ("有粉色吗", "有的有的有的！粉色和杏色都有现货哦"),
        ("哈哈你们客服真逗", "哈哈哈哈哈哈 被您发现啦，有啥想问的尽管说"),
        # what those who used it know of its worth (3.33)
        ("真有那么好吗", "用过的老客都知道有多好用，回购的特别多"),
    ],
)
def test_idioms_ordinals_and_measured_facts_are_no_fault(scorer, customer, text):
    assert scorer.score_text(text, customer_text=customer).results["forbidden"].detail["hits"] == []


@pytest.mark.parametrize(
    "text",
    [
        "最好的牙刷", "全网第一", "唯一的选择", "国家级品质", "绝对正品", "保证一点都不起球", "销量排头一名",
        # 100% as a promise of whatever it does; rivals that cannot compare
        "用这根竿子100%上鱼", "这个价位百分百过质检", "做工这块同行都比不上我们", "别家的真没法比",
        # the market's best-seller (3.31)
        "我们家是全网卖得最多的筋膜枪",
        # … in words too, whatever follows it (3.21 reads 百分百 as it reads 100%)
        "百分百不起球", "这锅百分之百不粘", "洗了百分百不缩水的亲",
        # a superlative over a whole market or place, with words between
        "市面上就数这款锅最不粘", "全杭州宝妈最认的就是我家",
        # the only one there is, as a word-formation; a zero chance
        "咱家是全国独一家正宗的", "这个价独此一家", "掉色？零可能的事",
        # a condition does not excuse a claim over the whole market
        "这样的品质全网最低价",
        # it cannot fail, every time, for life; first of a whole trade
        "这面料不可能掉色的", "用了没效果是不可能的事", "保证次次都能完整脱模", "刀刃这辈子都不会生锈", "我们是行业第一家做这个的",
        # a promise, even with a fibre word in it
        "亲 100%不掉毛的", "最新科技的面料",
        # for ten years or any number of them, for ever, however it is used
        "这款盖子用十年都不会老化变形", "咱家这楼梯用多少年都不带塌的", "保证永远剪不钝", "哪怕用个十年八年也永远跟新的一样",
        "咱这布主子咋挠都挠不破", "这个铲子怎么玩都不会断的",
        "这个壳永远都不会发黄", "这款在同类里坐的是头一把交椅",
        # the most of a whole market said of what it does for people; 100% before what it does
        "这是全网最懂宝妈的一款", "我们这款100%能去除霉斑", "我们是全网唯一添加了这个成分的", "这款100%吸油",
        # a whole market searched in vain, the whole world's cats, a first of a whole country
        "您全网翻个底朝天也找不着比这更实惠的了", "天底下就没有不稀罕它的猫", "这个款式是咱们家国内首创的",
        # 绝对 of the product still claims, with the shopper named beside it (3.22 spares 绝对 said of her)
        "您放心，这款绝对不会坏", "你绝对找不到比这更结实的", "亲这个质量绝对放心",
        # 第一 before a brand or a name still ranks (3.23 spares 第一 + a measure word)
        "咱家是睫毛胶第一品牌", "这款绝对上手快", "我绝对保证这款不掉色",
        # a forfeit if it ever fails, and a crown (3.26)
        "刀头用一年都锋利，钝了算我的", "这绳子随便拽，拽断了我赔你十根", "看完视频还学不会我倒立给您看",
        "这洗碗布我拿人格担保", "这款是吸尘器里的续航之王", "咱这桂花糕那是杭州头一份",
        # 100% before what it does or does not do, whatever material follows (3.30 spares 100% + a material)
        "保证！！100%去油 一喷就清爽", "这垫子百分百不含石棉", "100%不生锈的钢丝球",
    ],
)
def test_absolute_claims_are_flagged(scorer, text):
    hits = scorer.score_text(text).results["forbidden"].detail["hits"]
    assert [h["category"] for h in hits] and {h["category"] for h in hits} == {"absolute_claim"}


@pytest.mark.parametrize(
    ("text", "part", "words"),
    [
        # a share put in is a feature (a change by a share is an advantage); an ingredient list; ease of
        # getting started with a degree; time saved on a chore in a scene of her day
        ("盐只放了12% 比外面卖的酱淡", "F", "12%"),
        ("配料就黄豆 面粉 盐和水", "F", "配料就黄豆"),
        ("介个上手快 一家子围一块儿玩", "A", "上手快"),
        ("下雨天在路边换胎也能少淋好几分钟", "B", "少淋好几分钟"),
        # how long one fill lasts, in words
        ("顶上带LED小灯 装一次能亮二十来个小时哦", "A", "亮二十来个小时"),
        ("一个衣柜放5粒能管4个月左右", "A", "管4个月"),
        # just enough for who uses it, and when
        ("一袋250克 两口子晚上看剧吃一袋正好", "B", "正好"),
        # what cannot get through it
        ("底层PE覆膜 饮料洒上去是一颗颗水珠 渗不下去", "A", "渗不下去"),
        # what it costs her per month, with no 才 or 不到 (3.29)
        ("14W的，天天开着一个月电费两三块钱", "B", "一个月电费两三块"),
    ],
)
def test_fab_structures_in_new_words(scorer, text, part, words):
    result = scorer.score_text(text, expects=["fab"]).results["fab"]
    assert part in result.detail["components"]
    assert any(e.text == words for e in result.evidence)


def test_a_problem_with_zazheng_asks_for_a_pitch_not_for_steps(scorer):
    """咋整 after a problem (车顶够不着咋整) asks what would help, and a pitch answers it; 第一次用咋整
    asks how to use it, and the steps that answer it are no pitch."""
    pitch = "这款是伸缩杆的，铝合金杆能从65公分拉到98公分，您个子不高也不用爬上爬下的~"
    found = scorer.score_text(pitch, customer_text="我家是SUV 车顶够不着咋整", expects=["fab"]).results["fab"]
    assert found.detail["components"] == ["F", "A", "B"]
    steps = scorer.score_text(pitch, customer_text="第一次用这玩意儿，咋整啊", expects=["fab"]).results["fab"]
    assert steps.detail["components"] == []


def test_asked_how_to_strap_it_on_the_answer_is_steps(scorer):
    pitch = "绑带是加宽魔术贴，粘得牢不松，您抱娃也不会滑下来"
    assert scorer.score_text(pitch, customer_text="这个怎么绑啊 看不懂", expects=["fab"]).results["fab"].detail["components"] == []


def test_someone_doing_it_is_no_named_process(scorer):
    """…处理 names a process (脱胶处理); 您自己处理 is the shopper doing it."""
    result = scorer.score_text("这款疏通起来很快，一般五分钟就搞定了，您自己处理就好", expects=["fab"]).results["fab"]
    assert "F" not in result.detail["components"]


def test_warranty_is_service_talk_not_a_feature(scorer):
    assert scorer.score_text("放心 质保3年的", expects=["fab"]).results["fab"].detail["components"] == []


def test_an_absolute_claim_is_forbidden_but_only_rudeness_is_rude(scorer):
    """A scenario that loses the shopper on rudeness waits for ``rude``: 绝对正品 breaks the
    advertising law, but she does not hear it as an insult."""
    claim, rude = (scorer.signals(scorer.score_text(t)) for t in ("绝对正品，放心吧", "爱买不买，自己看详情页"))
    assert "forbidden" in claim and "rude" not in claim
    assert {"forbidden", "rude"} <= rude


def test_a_node_that_expects_the_order_confirmed_tells_a_reply_that_skips_it(scorer):
    skipped = scorer.score_text("好的亲，马上给您安排发货～", expects=["confirm_order"]).results["confirm_order"]
    checked = scorer.score_text("好的亲，跟您核对一下收货地址：杭州市西湖区文三路88号，对吗？", expects=["confirm_order"])
    assert skipped.score == 0 and skipped.advice.startswith("成交后核对收货地址")
    assert checked.results["confirm_order"].score == 100
    # elsewhere the step is not judged
    assert scorer.score_text("好的亲，马上给您安排发货～").results["confirm_order"].score is None


def test_what_the_shopper_did_well_is_no_advantage_and_her_last_purchase_is_a_needs_question(scorer):
    praised = scorer.score_text("您对比得很细～", expects=["fab"]).results["fab"]
    assert "A" not in praised.detail["components"]
    assert "A" in scorer.score_text("这款磨得很细", expects=["fab"]).results["fab"].detail["components"]
    assert scorer.score_text("亲，欢迎回来～上次的豆子喝着怎么样呀？").results["needs"].score == 100


def test_normalisation_keeps_length_and_unifies_forms():
    for text in ["這款淨水器雖然貴", "ＡＢＣ１２３，！", "Hello 世界"]:
        assert len(normalize(text)) == len(text)
    assert normalize("這款淨水器") == "这款净水器"
    assert normalize("１００％ＯＫ") == "100%ok"
    # written Cantonese function words read as Mandarin, of the same length; 唔该 is "please"
    assert normalize("佢哋唔係冇貨，係咪你睇錯咗？唔该等下") == "他们不是没货,是否你看错了?麻烦等下"
    assert normalize("这款咪头收音清楚") == "这款咪头收音清楚"  # a microphone stays a microphone
    # Cantonese typed in simplified characters: 系 is 係, 呢款 this one, 仲 still, 定系 or; in
    # Mandarin the same characters keep their own sense
    assert normalize("呢款系手工烧嘅，仲送笛袋，你要白色定系青花嗰款？") == "这款是手工烧的,还送笛袋,你要白色还是青花那款?"
    assert normalize("稳定系数高的系统，买了呢款式？") == "稳定系数高的系统,买了呢款式?"
    assert normalize("你钟意嘅歌，谂起都开心") == "你喜欢的歌,想起都开心"
    assert normalize("库存得返3对啦，得返嚟就好") == "库存只剩3对啦,得返来就好"
    assert normalize("俺给恁留着") == "我给您留着"  # northern pronouns
    assert normalize("侬晓得伐？阿拉覅搿只") == "你晓得吗?我们别这只"  # Wu
    assert normalize("阿拉伯数字") == "阿拉伯数字"  # a loanword, not 阿拉 (we)
    assert normalize("妳皮膚偏黃的話") == "你皮肤偏黄的话"  # 妳, you to a woman as Taiwan types it
    assert normalize("今儿拍明儿到，女儿也说好") == "今天拍明天到,女儿也说好"  # northern days


@pytest.mark.parametrize(
    ("simplified", "other"),
    [
        ("这款羽绒服填充的是90%白鸭绒,蓬松度高,孩子冬天穿一点都不怕冷。", "這款羽絨服填充的是90%白鴨絨,蓬鬆度高,孩子冬天穿一點都不怕冷。"),
        ("您是想要白色还是黑色呢?", "您是想要白色還是黑色呢？"),
        ("爱买不买", "愛買不買"),
        ("这款搭载骁龙8处理器,游戏更稳定", "这款搭载骁龙８处理器，游戏更稳定"),
    ],
)
def test_same_reply_typed_differently_scores_the_same(scorer, simplified, other):
    a, b = scorer.score_text(simplified, latency_s=5), scorer.score_text(other, latency_s=5)
    assert a.total == b.total
    for name in a.results:
        assert a.results[name].score == b.results[name].score
        assert [(e.start, e.end, e.label) for e in a.results[name].evidence] == [
            (e.start, e.end, e.label) for e in b.results[name].evidence
        ]


def test_linked_pitch_beats_unordered_and_partial(scorer):
    linked = scorer.score_text("这款是纯棉面料,吸汗透气,您夏天穿着很舒服。").results["fab"]
    partial = scorer.score_text("这款是纯棉面料,吸汗透气。").results["fab"]
    flat = scorer.score_text("这款是纯棉面料。", expects=["fab"]).results["fab"]
    assert linked.detail["linked"] and linked.score == 100
    assert linked.score > partial.score > flat.score > 0
    assert "利益" in partial.advice


def test_product_card_features_count_as_feature(scorer, library):
    """The card's own words are features even where the rubric's gazetteer has none (内胆 here)."""
    product = library.scenario("air_fryer_fab").product
    text = "这款带内胆哦。"
    without = scorer.score_text(text).results["fab"].detail["components"]
    with_card = scorer.score_text(text, product=product, expects=["fab"]).results["fab"]
    assert with_card.detail["components"] == ["F"]
    assert [e.text for e in with_card.evidence] == ["内胆"]
    assert without == ["F"]  # 内胆 is a component any shop sells: the gazetteer knows it too


def test_the_cards_advantage_and_benefit_wording_counts_as_a_and_b(scorer, library):
    """A trainee who pitches from the side panel's card gets the full FAB it spells out, marked in
    the card's own clauses; the same pitch is recognised by its structure without the card."""
    product = library.scenario("air_fryer_fab").product
    text = "有可视窗口，不开锅也能看到火候，新手也不会炸糊"
    without = scorer.score_text(text, expects=["fab"]).results["fab"]
    with_card = scorer.score_text(text, product=product, expects=["fab"]).results["fab"]
    assert without.detail["components"] == ["F", "A", "B"]
    assert with_card.detail == {"components": ["F", "A", "B"], "linked": True}
    marked = {(e.text, e.label) for e in with_card.evidence}
    assert {("可视窗口", "F"), ("不开锅也能看到火候", "A"), ("新手也不会炸糊", "B")} <= marked


def _leaning(monkeypatch, scorer: Scorer, criterion: str, **leans: float) -> Scorer:
    """``scorer`` with its ``criterion`` models leaning as given, whatever the reply (the others as
    fitted): a refit moves the models' lean on a few words, and these tests are about what the
    rubric does with a lean, not about where a refit puts it."""
    judged = scorer.models.leans
    monkeypatch.setattr(scorer.models, "leans", lambda grams: {**judged(grams), criterion: {**judged(grams)[criterion], **leans}})
    return scorer


def _fab_with_leans(library, monkeypatch, leans: dict[str, float]):
    """The FAB parts a scorer of the default rubric finds when its FAB models lean as given,
    whatever the reply (a function of the reply and, optionally, the product card)."""
    scorer = _leaning(monkeypatch, Scorer(library.rubric("default")), "fab", **leans)
    return lambda text, product=None: scorer.score_text(text, product=product, expects=["fab"]).results["fab"].detail["components"]


def test_a_learned_model_sure_a_part_is_absent_drops_the_rules_hits_but_never_the_cards_words(library, monkeypatch):
    """The card is the shop's own word for what its product is: a model fitted to other shops'
    replies may overrule the rules' guess, not the card."""
    components = _fab_with_leans(library, monkeypatch, {"F": -50.0, "A": -50.0, "B": -50.0})
    product = library.scenario("air_fryer_fab").product
    text = "有可视窗口，不开锅也能看到火候，新手也不会炸糊"
    assert components(text) == []
    assert components(text, product) == ["F", "A", "B"]


@pytest.mark.parametrize("bar", ["｜", "|", "丨"])
def test_a_bar_between_two_messages_ends_a_clause(scorer, bar):
    # agents join messages with a bar: the gift offered in the second is service talk, and the
    # benefit of the first is read on its own words, not swallowed with it
    text = f"杯身是316不锈钢的，保温12小时，您上班到下午还能喝上热水{bar}今天拍还送杯套哦"
    fab = scorer.score_text(text).results["fab"]
    assert fab.detail["linked"]
    benefits = [e.text for e in fab.evidence if e.label == "B"]
    assert benefits and not any("杯套" in b for b in benefits)


def test_a_feature_that_leads_a_chain_to_a_benefit_in_its_sentence_stands_against_its_models_doubt(library, monkeypatch):
    # 双层中空玻璃 leads to 隔音 and to what 您 gets of it, in one sentence: a pitch stands on its feature
    chain = "窗户是双层中空玻璃，隔音特别好，您晚上睡觉也听不到楼下的车声"
    apart = "窗户是双层中空玻璃。隔音特别好，您晚上睡觉也听不到楼下的车声"
    components = _fab_with_leans(library, monkeypatch, {"F": -8.0, "A": 0.0, "B": 0.0})
    assert components(chain) == ["F", "A", "B"]
    # a feature in a sentence of its own is the F model's to doubt
    assert components(apart) == ["A", "B"]
    # and so is one whose advantage or benefit their own models doubt too
    doubted = _fab_with_leans(library, monkeypatch, {"F": -8.0, "A": 0.0, "B": -8.0})
    assert doubted(chain) == ["A"]


def test_a_drop_margin_is_one_number_for_every_part_or_one_per_part():
    from roleplay.content.models import LearnedParts

    assert LearnedParts.model_validate({"examples": ["x.jsonl"], "drop_margin": 5}).drop_margin == {"F": 5, "A": 5, "B": 5}
    per_part = LearnedParts.model_validate({"examples": ["x.jsonl"], "drop_margin": {"B": 3}}).drop_margin
    assert per_part == {"F": 6, "A": 6, "B": 3}


def _criterion_with(library, name: str, **fields) -> Scorer:
    """A scorer of the default rubric with other values of one criterion's fields."""
    rubric = library.rubric("default")
    criterion = rubric.criteria[name].model_copy(update=fields)
    return Scorer(rubric.model_copy(update={"criteria": {**rubric.criteria, name: criterion}}))


def _learned_set(library, name: str, **settings) -> Scorer:
    """A scorer of the default rubric with other settings of one criterion's learned models."""
    return _criterion_with(library, name, learned=library.rubric("default").criteria[name].learned.model_copy(update=settings))


@pytest.mark.parametrize(
    ("customer", "text", "words_kept_it"),
    [
        # (since rubric 3.29 what a person is spared, 您不用…, is no advantage to the rules either)
        ("还有货吗", "亲，这款现在库存还很多的，您不用担心买不到哦～", None),
        ("你家这个耐用吗", "放心亲 我们家老牌子了 品质一直很稳 很多公司采购都是回头单", True),
        ("几天能到", "放心亲，发的都是顺丰，一般两天就到，您不用担心～", None),  # the rules drop it (below)
        ("质量怎么样", "亲这款质量杠杠的，用了都说好，您完全不用担心～", None),
    ],
)
def test_reassurance_in_a_longer_reply_is_no_advantage_when_the_model_doubts_it(library, scorer, customer, text, words_kept_it):
    # 不用 is an advantage's word (不用翻面), but a stock, shipping or quality reassurance says
    # nothing the product does; in a reply long enough to judge, the A model's doubt drops it
    found = scorer.score_text(text, customer_text=customer, expects=["fab"]).results["fab"].detail["components"]
    assert "A" not in found
    # judged on the reply's words alone, as in rubric 3.0 (still so below 15 characters), the first
    # two stood; the third's words lean so near the model's prior that each refit of the corpus
    # tips them one way or the other (None: not pinned)
    before = _learned_set(library, "fab", words_only_below_chars=None).score_text(text, customer_text=customer, expects=["fab"])
    if words_kept_it is not None:
        assert ("A" in before.results["fab"].detail["components"]) is words_kept_it


def test_a_clause_that_only_reassures_belongs_to_the_service_talk_before_it(library, scorer):
    def parts(customer: str, text: str, scorer=scorer) -> list[str]:
        return scorer.score_text(text, customer_text=customer, expects=["fab"]).results["fab"].detail["components"]

    shipping = "放心亲，发的都是顺丰，一般两天就到，您不用担心～"
    assert parts("几天能到", shipping) == []
    # after a pitch, the same words still reassure about what the product does
    assert parts("好用吗", "这款不粘涂层，煎蛋不糊锅，您不用担心～") == ["F", "A", "B"]
    # a trainer's rubric without the reassurance list leaves it to the models
    from roleplay.content.models import Lexicon

    unlisted = _criterion_with(library, "fab", reassurance=Lexicon(), learned=None)
    assert parts("几天能到", shipping, unlisted) != []


def test_an_answer_to_how_to_use_it_is_steps_not_a_pitch(library, scorer):
    from roleplay.content.models import Lexicon

    text, customer = "插上电按一下开关，红灯亮了就是在加热，水开了会自动断电", "这个怎么用啊"
    assert scorer.score_text(text, customer_text=customer, expects=["fab"]).results["fab"].detail["components"] == []
    # the same words as a pitch, or with no how-to questions listed, still hold an advantage
    assert "A" in scorer.score_text(text, customer_text="好用吗", expects=["fab"]).results["fab"].detail["components"]
    unlisted = _criterion_with(library, "fab", how_to_asks=Lexicon())
    assert "A" in unlisted.score_text(text, customer_text=customer, expects=["fab"]).results["fab"].detail["components"]


def test_a_one_character_material_counts_as_the_word_it_ends(scorer):
    # 铜 heads 青铜 (a kind of copper) and is shown as the whole word; a word of its own it is itself
    # (磷铜, which jieba does not know); at the start of 铜钱 it is no material
    def features(text: str) -> list[str]:
        result = scorer.score_text(text, expects=["fab"]).results["fab"]
        return [e.text for e in result.evidence if e.label == "F"]

    assert features("插套是锡磷青铜，插拔上万次也不松") == ["青铜"]
    assert features("触片是磷铜的，插拔上万次也不松") == ["铜"]
    assert features("铜钱不是我们卖的") == []


def test_a_size_recommendation_is_no_feature_to_the_rules(library):
    # a measure and the size it calls for advise; the rules place no feature in it (the learned
    # F model, which reads figures as features, is left out to show the rules' own judgement)
    rules = _criterion_with(library, "fab", learned=None)
    for customer, text in [("床多大配哪个", "1.5米的床配200×230的被子正合适"), ("穿多大", "胸围84到88厘米的拿L，再大就选XL")]:
        assert rules.score_text(text, customer_text=customer, expects=["fab"]).results["fab"].detail["components"] == []


def test_a_bare_yes_it_can_be_used_is_no_advantage(library):
    # 可以使用。 answers 能用吗; what it can be used for, or for how long, is still one (3.33)
    rules = _criterion_with(library, "fab", learned=None)

    def parts(customer: str, text: str) -> list[str]:
        return rules.score_text(text, customer_text=customer, expects=["fab"]).results["fab"].detail["components"]

    assert parts("冷冻室能用吗", "您好，可以使用。量程-30℃至50℃") == ["F"]
    assert parts("放久了还能用吗", "半年后还是可以正常使用的，请放心") == []
    assert parts("能用多久", "这款可以使用十年不变形") == ["A"]


def test_promises_hides_and_pauses_are_no_features_and_what_a_person_is_spared_is_no_advantage(library):
    # 100% before what it does promises (an absolute claim), it states no share; 100% of a fibre is one.
    # 不用了 / 不用的时候 say when it is not in use (how to store it), not a chore it spares her
    rules = _criterion_with(library, "fab", learned=None)

    def parts(text: str) -> list[str]:
        return rules.score_text(text, expects=["fab"]).results["fab"].detail["components"]

    assert parts("用我們這把100%不會起球 放心刷") == ["A"]
    assert parts("我们这款100%能去除霉斑") == ["A"]
    assert parts("外皮是100%尼龙的") == ["F"]
    # … and 100% before anything but a material promises: no share, whatever follows (零误差, 安全);
    # a rate or a charge that reaches 100% is a measured share
    assert parts("我們家刻度100%零誤差") == []
    assert parts("咱这绳100%安全") == []
    assert parts("银离子抗菌 抑菌率100%") == ["F", "A"]
    assert "F" in parts("从0充到100%大概5.5小时")
    assert parts("是100%纯天然软木哈 不是泡沫") == ["F"]
    assert "A" not in parts("别暴晒 别放潮的地方 不用了夹书里压平")
    assert "A" not in parts("不用的时候收在盒子里")
    # what the product spares is an advantage (不用插电, and with no one named 不用再弯腰, 不用再换车); what a person is
    # spared, or a worry she is spared, is her benefit (rubric 3.29)
    assert "A" in parts("这款不用插电，装电池就能用")
    assert "A" in parts("不用再弯腰")
    assert parts("有儿童保护门 您就不用时时刻刻盯着宝宝啦") == ["B"]
    assert parts("收在抽屉里不用担心宝宝翻到") == ["B"]
    # a paper named after a hide is no hide; 然后呢 fills a spoken reply's pause, it starts no step
    assert parts("韧度又高过牛皮纸") == []
    assert "F" in parts("水箱最多能装5升水 然后呢建议您最好用晾过一天的自来水")
    assert "F" not in parts("水箱最多能装5升水 然后把盖子拧紧再接上电源")


def test_the_shops_order_system_is_no_component(scorer):
    found = scorer.score_text("打包完系统自动通知您的，不用一直问哈", customer_text="怎么知道发没发", expects=["fab"])
    assert "F" not in found.results["fab"].detail["components"]


def test_fab_not_judged_where_no_pitch_was_called_for(scorer):
    result = scorer.score_text("付款后48小时内发货,还送您硅胶垫。").results["fab"]
    assert result.score is None


def test_fab_judged_when_shopper_asks_about_the_product(scorer):
    result = scorer.score_text("是纯棉的。", customer_text="这件衬衫什么面料?").results["fab"]
    assert result.score is not None and result.score < 100


@pytest.mark.parametrize(
    ("seconds", "first", "band"),
    [(5, True, "good"), (12, True, "slow"), (12, False, "good"), (25, False, "slow"), (31, False, "too_slow")],
)
def test_latency_bands_follow_the_rubric_norms(scorer, seconds, first, band):
    result = scorer.score_text("您好", index=0 if first else 3, latency_s=seconds).results["latency"]
    assert result.detail["band"] == band
    assert result.score == (100 if band == "good" else 0 if band == "too_slow" else result.score)
    assert 0 <= result.score <= 100


def test_latency_score_falls_with_time(scorer):
    scores = [scorer.score_text("好的", index=2, latency_s=s).results["latency"].score for s in (10, 22, 28, 40)]
    assert scores == sorted(scores, reverse=True) and scores[0] == 100 and scores[-1] == 0


def test_typing_speed_is_reported(scorer):
    detail = scorer.score_text("亲，这款是纯棉的，很舒服哦", latency_s=6).results["latency"].detail
    assert detail["cpm"] == round(13 * 60 / 6)


def test_closing_after_buying_signal_earns_full_credit(scorer):
    after = scorer.score_text("您直接拍下,我帮您备注。", customer_text="怎么拍?").results["closing"]
    unprompted = scorer.score_text("您直接拍下,我帮您备注。", customer_text="这个什么材质?").results["closing"]
    missed = scorer.score_text("是纯棉的。", customer_text="有优惠吗?").results["closing"]
    assert after.score == 100 and after.detail["buying_signal"]
    assert unprompted.score < after.score
    assert missed.score == 0 and "购买信号" in missed.advice


def test_pushing_every_turn_is_penalised(scorer):
    push = "现在下单还送赠品,库存不多了,您直接拍下吧。"
    result = scorer.score_text(push, customer_text="怎么拍?", prior_pushes=[True, True]).results["closing"]
    assert result.detail["over_pushing"] and result.score < 50
    assert "over_pushing" in scorer.score_text(push, prior_pushes=[True, True]).events


def test_greeting_only_judged_on_first_reply(scorer):
    assert scorer.score_text("亲,您好,欢迎光临!", index=0).results["greeting"].score == 100
    assert scorer.score_text("这款是纯棉的", index=0).results["greeting"].score == 0
    assert scorer.score_text("这款是纯棉的", index=1).results["greeting"].score is None


@pytest.mark.parametrize(
    "text",
    ["请问宝宝身高体重多少呢?", "您多高多重呀", "麻烦报一下身高体重哈", "您一般穿什么尺码呢", "您想要什么价位的",
     "不知道您平时穿多大码呢？"],
)
def test_needs_questions_in_their_everyday_forms(scorer, text):
    assert scorer.score_text(text).results["needs"].detail["found"], text


@pytest.mark.parametrize(
    "text",
    ["宝宝穿这个很合身。", "这款平时穿很百搭呢", "经常有人问这个呢", "这款平时穿很百搭呢，还有什么可以帮您吗？",
     "这款平时穿很百搭嘛"],  # 嘛 after a statement asserts; after a negation (不是写着嘛) it asks back
)
def test_a_needs_word_in_a_statement_is_not_a_question(scorer, text):
    """The cue must be in the clause that asks: 平时 in a statement tells, it does not ask."""
    assert not scorer.score_text(text).results["needs"].detail["found"], text


def test_wrong_price_and_spec_contradict_the_card(scorer, library):
    product = library.scenario("air_fryer_fab").product
    wrong = scorer.score_text("这款现在活动价只要199元,容量是6L。", product=product).results["accuracy"]
    right = scorer.score_text("这款现在活动价只要299元,容量是5L。", product=product).results["accuracy"]
    gift = scorer.score_text("现在拍下还送价值59元的硅胶垫。", product=product).results["accuracy"]
    assert wrong.score == 0 and len(wrong.detail["contradictions"]) == 2
    assert [e.text for e in wrong.evidence] == ["199元", "6L"]
    assert right.score == 100
    assert gift.score is None


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("两盒一共278元", []),  # two at the card's price
        ("两盒满减后实付248元", []),  # 每满200减30
        ("先满减再用券，两盒实付238元，一盒才119元", []),  # and the shop coupon on top
        ("领券后到手价129元", []),  # one box with the coupon
        ("两盒一共228元", ["228元"]),  # sums that no offer gives
        ("三盒实付300元", ["300元"]),
        ("到手价119元", ["119元"]),  # 119 is a box's share of two, not one box's price
    ],
)
def test_sums_quoted_for_several_units_follow_the_cards_offers(scorer, library, text, wrong):
    """The nut gift box's card: 139元, a 满129减10 coupon and 每满200减30; a price is checked for the
    units its clause names, with or without each offer that applies."""
    result = scorer.score_text(text, product=library.product("nut_gift_box")).results["accuracy"]
    assert [e.text for e in result.evidence] == wrong, result.detail
    assert result.score == (0 if wrong else 100)



@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("旋转款活动价1299元", []),
        ("成长款活动价899元", []),  # the card's own model
        ("两台旋转款一共2598元", []),
        ("旋转款活动价899元", ["899元"]),  # the other model's price
        ("两台旋转款一共1798元", ["1798元"]),
    ],
)
def test_a_price_is_held_to_the_model_its_clause_names(scorer, library, text, wrong):
    """The car seat's page sells two models: 成长款 at the card's 899元 and the 旋转款 variant at 1299元."""
    card = library.product("car_seat_isofix")
    assert [v.name for v in card.variants] == ["旋转款（0-4岁）"] and not card.other_prices
    result = scorer.score_text(text, product=card).results["accuracy"]
    assert [e.text for e in result.evidence] == wrong, result.detail
@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("现在付定金50元抵100元，尾款只要128元，到手178元", []),
        ("两盒到手一共356元", []),  # each box on its own deposit
        ("预售价228元", []),
        ("尾款138元", ["138元"]),  # 228 − 100 is 128
        ("两盒到手一共346元", ["346元"]),
    ],
)
def test_a_presale_deposit_is_checked_by_its_terms(scorer, library, text, wrong):
    """The mooncake card's presale: a deposit of 50 counts as 100 against 228, so the balance is 128
    and a box costs 178 in all; the figures come from the offer's terms, not a list of prices."""
    card = library.product("mooncake_presale_box")
    assert not card.other_prices
    result = scorer.score_text(text, product=card).results["accuracy"]
    assert [e.text for e in result.evidence] == wrong, result.detail

@pytest.mark.parametrize(
    ("text", "wrong", "what"),
    [
        ("今天下单当天就发货哦", "当天就发货", "付款后48小时内发货"),  # the card ships within 48 hours
        ("付款后24小时内发货", "24小时内发货", "付款后48小时内发货"),
        ("明天就能到", "明天就能到", "3-5天送达"),
        ("支持15天无理由退换", "15天无理由", "7天无理由退换"),
        ("只剩3台了，要抓紧", "只剩3台", "35件"),  # 35 in stock: a false scarcity
    ],
)
def test_promises_and_stock_the_card_does_not_make_contradict_it(scorer, library, text, wrong, what):
    result = scorer.score_text(text, product=library.product("air_fryer_5l")).results["accuracy"]
    assert result.score == 0 and [e.text for e in result.evidence] == [wrong]
    assert what in result.evidence[0].label
    assert "wrong_fact" in scorer.score_text(text, product=library.product("air_fryer_5l")).events


@pytest.mark.parametrize(
    "text",
    ["付款后48小时内发货，3-5天送达", "三天内发货", "7天无理由退换", "库存还有35台", "两个颜色都有现货", "5天左右到"],
)
def test_promises_the_card_keeps_or_exceeds_are_not_contradictions(scorer, library, text):
    result = scorer.score_text(text, product=library.product("air_fryer_5l")).results["accuracy"]
    assert result.detail["contradictions"] == [], text


def test_a_card_reads_its_own_terms_with_the_replies_patterns(scorer, library):
    """Every shipped card's shipping and returns text yields the promises a reply is held to."""
    accuracy = scorer.criteria["accuracy"]
    for product_id, product in library.products.items():
        terms = accuracy._card_terms(product)
        assert set(terms) == {"shipping", "delivery", "returns"}, product_id
        assert terms["returns"][0] == 7 and terms["shipping"][0] in (24, 48), product_id


def test_contempt_is_fatal_for_the_session(scorer):
    good = scorer.score_text("亲,您好,这款是纯棉面料,吸汗透气,您穿着很舒服。", latency_s=5)
    rude = scorer.score_text("爱买不买", index=1, latency_s=5)
    session = scorer.score_session([good, rude])
    assert session.fatal == ["contempt"] and not session.passed
    assert scorer.score_session([good]).passed


def test_session_weights_renormalise_over_applicable_criteria(scorer):
    session = scorer.score_session([scorer.score_text("亲,您好!", latency_s=3)])
    assert session.criteria["fab"].score is None
    assert session.total == pytest.approx(100.0)


@pytest.mark.parametrize(
    "text",
    ["这款净水器每天只要1块钱。", "现在比原价直降100元哦。", "活动价只要299元,还送价值59元的硅胶垫。",
     "5年算下来一天只需1块多钱", "一年只要400元", "安装费只要0元"],
)
def test_arithmetic_and_differences_are_not_price_claims(scorer, library, text):
    product = library.scenario("air_fryer_fab").product
    assert scorer.score_text(text, product=product).results["accuracy"].detail["contradictions"] == []


@pytest.mark.parametrize(
    "text",
    [
        "手柄是锰钢的，抗8级风，姐妹你下雨天骑车也不怕伞被吹翻",
        "机身有IP54防护，防溅水，老铁你下雨天跑外卖也不用担心进水",
        "内置2000毫安电池，充一次亮10小时，宝子晚上遛狗都没问题",
    ],
)
def test_an_addressed_shopper_spared_a_worry_is_a_benefit(scorer, text):
    assert scorer.score_text(text, customer_text="怎么样").results["fab"].detail["components"] == ["F", "A", "B"]


def test_calling_the_shopper_names_no_one(scorer):
    # 宝子 as the subject of an outcome is the shopper in her day; at the end of a clause it is a call
    def parts(text):
        return scorer.score_text(text, customer_text="怎么样").results["fab"].detail["components"]

    assert "B" in parts("IPX8防水，宝子泡澡也不怕溅湿")
    assert "B" not in parts("质量妥妥的宝子 好多老客都来买第二床了")


def test_reassurance_in_use_is_a_benefit(scorer):
    assert scorer.score_text("这款是食品级硅胶,无毒无味,您用着也放心。").results["fab"].detail["components"] == ["F", "A", "B"]
    assert scorer.score_text("您放心,我们马上发货。").results["fab"].detail["components"] == []


@pytest.mark.parametrize(
    "text",
    [
        "普票专票都能开，下单备注抬头就行",
        "这款上个月卖了三千多台",
        "我问下仓库，10分钟内回您",
        "签收后预约一下，24小时内师傅上门",
        "用之前先加水煮10分钟，倒掉就可以正常用了",
        "表冠先别拔，顺时针拧二十圈就好",
        "emmm",
        # where to see it for herself
        "详情页第四屏有实测视频 您也可以看下哈",
    ],
)
def test_invoices_sales_figures_and_promises_to_come_back_are_no_pitch(scorer, text):
    assert scorer.score_text(text, customer_text="这个怎么样").results["fab"].detail["components"] == []


@pytest.mark.parametrize(
    "text",
    [
        "细手腕选38mm的，42mm会压腕～您要38的还是42的？",
        "1.2米和1.5米两款都行，看您阳台宽度",
        "好的，白色1.5米一台，给您备注上了",
        "冬天最好温到40℃再喝",
        # a size's price, stock counted, a warranty's term, a measure's height
        "有的，两个规格：高20公分的88，30公分的138，都有现货",
        "米色的还有6个，灰色的没了",
        "整机保两年，坏了直接换新",
        "主机保修1年，电池保修6个月", "古铜色的还有十来只",
    ],
)
def test_sizes_on_offer_or_ordered_and_advice_hold_no_feature(scorer, text):
    assert "F" not in scorer.score_text(text, customer_text="这个怎么样").results["fab"].detail["components"]


def test_a_material_in_a_choice_is_still_a_feature(scorer):
    reply = "两款都是铝合金杆，您要1.2米的还是1.5米的？"
    assert "F" in scorer.score_text(reply, customer_text="这个怎么样").results["fab"].detail["components"]


def test_a_comparison_without_geng_is_an_advantage(scorer):
    assert "A" in scorer.score_text("吃起来比普通款的清爽些", customer_text="有啥区别").results["fab"].detail["components"]


@pytest.mark.parametrize(
    "text",
    ["一体成型的，没焊点不藏污垢", "里头是弹簧卡扣，按个上千回都不带松的", "绷得紧，针脚不歪",
     "配上地座台风天都吹不倒", "不锈钢网的，猫爪挠不破"],
)
def test_a_trouble_spared_or_a_result_achieved_is_an_advantage(scorer, text):
    # a trouble it avoids (不藏污垢, northern 不带松 for 不会松), how well it does (绷得紧), what it
    # withstands (吹不倒, 挠不破)
    assert "A" in scorer.score_text(text, index=1, expects=["fab"]).results["fab"].detail["components"], text


@pytest.mark.parametrize(
    ("customer", "text", "category"),
    [
        # what the product cannot do, said to her asking whether it can: an answer, not a refusal
        ("这个保温杯能装碳酸饮料吗", "不能哈，气多了盖子会顶开，装温水茶水都没问题", []),
        ("塑料的能进烤箱不", "进不了哦 会变形的 烤箱得用我们那款玻璃盘", []),
        ("可以拿它切冻肉吗", "这把不行呢，刃太薄，冻肉用砍骨刀", []),
        ("冬天零下二十度能用吗", "电池扛不了那么冷 零下十度以内没问题", []),
        # "impossible" to her worry reassures her (a boast beside it is still a claim); to her request it refuses
        ("放柜子里会不会发霉", "不可能，里面放了干燥剂，通风也好", []),
        ("会不会着火", "压根不可能！陶瓷片永远不会过热", ["absolute_claim"]),
        ("能便宜五十吗", "不可能", ["denial"]),
        # what she asks the shop to do, turned down flat, and the buck passed, are still refusals
        ("能给我开个专票吗", "开不了。", ["denial"]),
        ("可以帮我把两单合一起发吗", "合不了", ["denial"]),
        ("能照着我的图做一个吗", "做不了 我们只卖现货", ["denial"]),
        ("这个能托运吗", "这个我们管不了，你问航空公司", ["denial"]),
        # (3.32) her joke, laughing, answered in play; her price, laughing or not, still turned down
        ("这鱼竿能让我钓到大鱼不 哈哈", "哈哈这个我真管不了 得看你手艺跟运气", []),
        ("买了这个我娃是不是就不挑食了😂", "哈哈哈挑食我可帮不了啦 不过饭团捏出来是小熊样的", []),
        ("便宜点呗哈哈", "便宜不了", ["denial"]),
    ],
)
def test_what_the_product_cannot_do_answers_her_question_and_refuses_her_nothing(scorer, customer, text, category):
    assert _forbidden(scorer, text, customer) == category


def test_chat_letters_are_no_code_but_ports_are(scorer):
    assert scorer.score_text("BB用着舒服吗？", customer_text="好用吗").results["fab"].detail["components"] == []
    assert "F" in scorer.score_text("两个C口一个A口", customer_text="有什么接口").results["fab"].detail["components"]


def test_a_doubled_adjective_is_a_feeling_a_doubled_verb_is_not(scorer):
    assert "B" in scorer.score_text("宝宝盖着软乎乎的，一觉睡到天亮").results["fab"].detail["components"]
    assert scorer.score_text("我帮您挑挑尺码，您拿布擦擦就行").results["fab"].detail["components"] == []


@pytest.mark.parametrize(
    ("text", "techniques"),
    [
        ("您还是担心过敏吗?", []),
        ("A款还是B款呢?", ["alternative"]),
        ("下单就送一支价值199元的护手霜。", ["gift"]),
        # the order she placed, held for her while she pays, is the payment reminder, not an ask for it; held
        # for one she has not placed, it asks (3.31)
        ("收到亲，订单还没付款哦，库存先帮您留着，付好了跟我说一声我马上给您安排发货", ["payment_reminder"]),
        ("这批就剩3个了，我先帮您留着，要的话直接拍", ["scarcity", "direct_ask"]),
        # a choice with 拿, 拍, 选 or 挑 and any way of addressing her; 拿着 is holding it, and 还是 then "still"
        ("亲要大瓶还是小瓶嘞", ["alternative"]),
        ("两款都有货，您选1号还是2号", ["alternative"]),
        ("您拿着它边走边拍，画面还是稳的", []),
        # the agent's help to choose, and a choice left for later, offer none; which one she takes, asked, does
        ("量好了发我，我帮您看看选哪个尺寸", []),
        ("先拍小包装试试，喜欢哪个再买大罐", ["trial"]),
        ("两个色都有现货，您要哪个？", ["alternative"]),
        # 还是 after what has happened or lasted is "still"
        ("这盒子装过咖喱，洗完还是透亮的呢", []),
        ("我们还是老字号认证的品牌呢", []),
    ],
)
def test_closing_edge_cases(scorer, text, techniques):
    assert scorer.score_text(text).results["closing"].detail["techniques"] == techniques


@pytest.mark.parametrize(
    ("customer", "text", "techniques"),
    [
        # a promotion with the day it ends, a rise that is coming
        ("我再想想", "秒杀价到本周五晚上哦", ["urgency"]),
        ("贵了点", "下个月原材料一调整价格就要涨", ["urgency"]),
        # when the replacement ships answers a complaint
        ("发来的颜色不对", "抱歉亲，马上给您换，今天就发出", []),
        # keeping something until an event is no payment deadline; keeping an order until tonight is
        ("能放多久", "密封好留到明年中秋都没问题", []),
        ("晚点付", "订单给您留到今晚十点哈", ["payment_reminder"]),
        # a photograph is not a purchase
        ("不知道选多大", "您把脚长量好拍给我就行", []),
        # 还剩多少 asks; 还剩3件 counts down
        ("怎么看墨水", "侧面窗口能看到还剩多少一目了然", []),
        ("好看", "这个色还剩3件了", ["scarcity"]),
        # an unnumbered or added extra is a gift
        ("能便宜吗", "价格改不了，给您备注送个收纳袋", ["gift"]),
        ("能便宜吗", "价格动不了，再给您加两个替换刷头", ["gift"]),
        # a promotion withdrawn urges; working until dawn does not
        ("还是贵", "这个价后天中午就撤了", ["urgency"]),
        ("问题好多", "我一条条查得查到半夜", []),
        ("那我买", "那您现在就拍下吧", ["direct_ask"]),
        ("好", "拍好了跟我说一声，我给您备注", ["direct_ask"]),
        ("再等等", "黑色这批就剩几台了", ["scarcity"]),
        # asking the shopper's skin type is needs discovery; a small size asked for is an answer
        ("推荐哪个", "您是干皮还是油皮呀？", []),
        ("有小瓶的吗", "有的，30ml旅行装在规格里", []),
        # a battery filling up is no price rise; 定係 is Cantonese for 还是
        ("充电快吗", "插上电量就蹭蹭往上涨", []),
        ("考虑下", "你要黑色定係白色呀？", ["alternative"]),
        ("好看", "喜欢就现在拍，我给您备注", ["direct_ask"]),
        ("拍了", "30分钟内没付系统会自动释放库存哦", ["payment_reminder"]),
        ("今天拍几号能到", "下午4点前拍的今天就发", []),
        # Chinese numerals and no question mark still make a choice; the shopper's own setup is needs
        ("先买点", "您要半斤装的还是一斤装的", ["alternative"]),
        ("想买灯带", "你机箱是侧透玻璃还是海景房？", []),
        ("再等等", "快递后天就停了，再晚就赶不上了", ["urgency"]),
        ("晚点付", "方便的话早点付款哈", ["payment_reminder"]),
        ("我再看看", "这两天下单的都给配个小油壶", ["gift"]),
        # 就送 of a delivery is no gift; a gift counted in any measure word is
        ("几号能到", "市区今天下单明天就送，送货上门", []),
        ("有赠品吗没", "这周拍套装的，送一盏小夜灯", ["gift"]),
        # picking one of the options listed; the shopper's habits asked across a comma are needs
        ("镜片要另配吗", "要另配的，有1.60和1.67两种，您配哪种呀？", ["alternative"]),
        ("给孩子买", "孩子平时主要是看书，还是也要在上面画画呀？", []),
        ("有大小号吗", "您看是拍大号还是小号呢？", ["alternative"]),
        # 拍 on the skin is no order; a return offered on a condition takes the risk away
        ("好用吗", "挤一点在手心拍开就行，很好推", []),
        ("怕没效果", "您先用一个月，觉得不管用就退，来回运费我们出", ["trial"]),
        ("拆了能退吗", "没用过的7天内能退，来回运费我们出", []),
        # a restock wait and a named day's price change urge; 趁 a few days too
        ("再想想", "这色卖完了就得等下个月", ["scarcity"]),
        ("不急", "周五晚上之前拍还是活动价，下周一恢复原价", ["urgency"]),
        ("我再考虑下", "新茶就这一季，想喝趁这几天拍", ["urgency"]),
        # the address "still" the same is no choice; a tasting size, a hold, a tuck-in gift, a reminder to pay
        ("要一个蓝的", "好的，蓝色一个备注好啦，地址还是上次那个吗？", []),
        ("有小包装吗", "有的", []),
        ("太贵了", "嫌贵的话可以先拍个9.9的试喝装尝尝", ["trial"]),
        ("我晚点再买", "这批一共就进了80盒，要不我先给你留两盒？", ["scarcity", "direct_ask"]),
        ("能便宜点吗", "价格动不了，两盒一起拍我给你塞个小勺子", ["gift"]),
        ("拍了 晚点付", "好嘞，记得今晚付款哈", ["payment_reminder"]),
        ("今天几点前拍能发", "下午5点前拍的今天发", []),
        # how many are left, asked; a few boxes left, told; a countdown; when she can have it, asked
        ("还有多少件", "仓库里还有80件左右，够的", []),
        ("再等等", "这批没几箱了", ["scarcity"]),
        ("等会再买", "福利只到主播讲完这款，大概还有5分钟", ["urgency"]),
        ("今天拍明天能用上吗", "今天下午三点前拍当天就发", []),
        # the order asked for or hurried; the shopper's use asked before recommending
        ("我考虑下", "要拍就抓紧，这价撑不了几天", ["direct_ask"]),
        ("能便宜点吗", "价格动不了 您今天拍不？", ["direct_ask"]),
        ("有宿舍用的吗", "有的，宿舍里是想放桌上用还是挂门后呀？我帮您挑尺寸", []),
        # paying makes it ship (the payment reminder's); a gift for ordering today; a one-day offer
        ("拍了晚点付", "订单还在待付款哈，您付了今天就能发出", ["payment_reminder"]),
        ("有赠品吗", "今天下单还送一副耳塞", ["gift"]),
        ("我再看看", "活动就今天一天哦", ["urgency"]),
        # an exchange asked about is answered; a small pack offered to try
        ("能换颜色吗", "能换的，质量问题来回运费都由我们承担", []),
        ("怕不好吃", "不信的话拍个50g小包回去尝尝", ["trial"]),
        # a question about her habits is no choice; a share the maker allots, a remnant in classical words;
        # a group order's deadline, a coupon's last hour; a superior asked, a group-buy list, a place kept
        ("买哪个好", "您一般夜里钓还是白天钓？", []),
        ("我再想想", "这批厂家只给我留了30件", ["scarcity"]),
        ("我考虑下", "库里仅余十余件了", ["scarcity"]),
        ("邻居也要", "明晚8点前接龙的周五统一到货", ["urgency"]),
        ("我考虑下", "店铺券只到今晚12点哦", ["urgency"]),
        ("便宜点", "我去跟掌柜申请一下", ["direct_ask"]),
        ("我在考虑", "要的话群里接个龙就行", ["direct_ask"]),
        ("有大号吗", "有的，我先帮你登记一个？", ["direct_ask"]),
        ("能便宜点吗", "我去跟老板娘磨一磨，您等我五分钟", ["direct_ask"]),
        ("能便宜点吗", "这价真压不下去了，跟老板磨过好几轮了", []),
        # a gift named to a shopper who asked answers her; a gift for buying today pushes even then
        ("送胶吗", "送的亲，每3卷配一包胶粉", []),
        ("有送东西吗", "有的，每单都送一块擦杯布", []),
        ("有赠品吗", "有的，今天拍送两罐气", ["gift"]),
        # posted today; a fault reported is answered by the remedy; hundreds in stock are no scarcity
        ("还行 挺好看", "那直接拍呗，今天拍我下午就给你寄", ["urgency", "direct_ask"]),
        ("收到少了一个", "抱歉亲，今天给您补寄，运费我们出", []),
        ("有小瓶的吗", "有的，50ml的仓库还有200多瓶", []),
        # how few are left, stressed, urges even a shopper who asked; a plain count of a few answers her
        ("灰色还有吗", "灰色就剩最后6套了亲，下一批要等", ["scarcity"]),
        ("樱花款还有货吗", "有的喔🌸 樱花款只剩6卷了~", ["scarcity"]),
        ("粉色还有吗", "粉的还剩7个，奶白的40多个", []),
        # try it at home first is the trial's offer; a note for the courier asked about answers; a shape comes back
        ("怕不好用", "您先拍回去用几天，不顺手7天无理由退", ["trial"]),
        ("能发顺丰吗", "顺丰要补8元差价，需要的话我帮您备注一下", []),
        ("能折叠吗", "能，拿出来一抖就恢复原形", []),
        # the agent's own promise to ship today is service; a cutoff for paying still urges
        ("要泡多久", "冷水泡20分钟，想试的话直接拍，我帮您备注今天发", ["direct_ask"]),
        ("拍了 晚点付", "下午4点前付好今天就能给您发出", ["urgency"]),
        # 发 in 头发 ships nothing
        ("在吗", "在的～今天想给头发配个什么样的小心情呀？", []),
        # room left on a table is no stock; a price already got is no offer; when it ships, asked with 会 (3.22)
        ("我家桌子一米", "80的铺上去四边还剩一圈，放茶杯刚好", []),
        ("三个能便宜吗", "三个给您算95，这已经是我能申请到的价了", []),
        ("今天拍什么时候会出货", "下午4点前付款的当天就会出货哦", []),
        # ordering without a worry, or quickly
        ("靠谱吗", "市面上用的都是这个方案，您放心下单就好", ["direct_ask"]),
        # the returns policy told to a shopper who asked about returns, or what happens if it breaks,
        # answers her; offered to one who worries, or who proposes buying one to try, it takes the risk away (3.23)
        ("买回来尺寸不对能换吗", "能换的亲，收到不合适7天内免费换，来回运费我们出", []),
        ("收到要是漏了咋办", "拍个照给我，直接给您补发，不合适退也行，运费我们出", []),
        ("我怕买回来不好用 到时候咋办", "不合适7天无理由退，运费险也送您了", ["trial"]),
        ("那我先买一瓶试试", "好嘞，用着不满意7天内都能退", ["trial"]),
        ("能退吗 我想给我妈买", "能退的，您先拍一个回去让阿姨用几天试试", ["trial"]),
        # testing it in a corner first is how to use it; a taster pack put in with the order is the gift
        ("这个漆好刷吗", "好刷的，第一次先在墙角不显眼的地方试一下再整面刷", []),
        ("我再想想", "喜欢直接拍，我给您备注多塞两包试吃装", ["gift", "direct_ask"]),
        # buying today as what a deadline asks of her is the urgency's call; the order offered to be arranged
        # asks for it; room left on a pencil is no stock; a needs question before the agent picks for her
        ("我再看看", "这个价明晚12点就恢复39了，想要的话今天拍划算", ["urgency"]),
        ("能刻字吗", "刻不了哈，不过有个带礼盒的款，要不要我给您改成礼盒的？", ["direct_ask"]),
        ("这个有啥用", "铅笔用到只剩三四厘米的时候套上它，还能接着写", []),
        ("想买个鸟浴盆", "你系挂喺栏杆还是摆喺草地上？我帮你揀个啱嘅", []),
        ("用了四年了有必要换吗", "建议换一根，支持7天无理由退货，您可放心尝试", ["trial"]),
        # what the agent will do once she answers makes a choice a needs question, unless it is her stock;
        # 还是 with a degree is "still"; how long it takes and a price guarantee asked about are answers
        ("想买点干辣椒", "您是拿来炒菜还是做辣椒油用？用处不一样我推的品种也不一样", []),
        ("想买个读卡器", "请问您是读相机的SD卡，还是手机用的TF卡呢？我根据用途给您推荐", []),
        ("想买个夹子", "把手是圆环的还是扁的？我帮您对一下扣不扣得上", []),
        ("有适合我车的吗", "是换近光还是远光？我帮您查型号", []),
        ("要哪个色好", "要红的还是蓝的？我帮您查下库存", ["alternative"]),
        ("打完折还要89啊", "比上个月的109还是便宜了不少呢", []),
        ("寄到台中要多久", "今天下午3点前下单当天出货，一般隔天就到", []),
        ("降价会补差价吗", "会的亲，支持15天价保，降价了找客服申请就行", []),
        # the agent's hand on the order once she picks (3.24): 您要哪个？我这就给您安排
        ("白的黑的哪个好", "两个色都百搭，您要白的还是黑的？我这就给您安排发货", ["alternative", "direct_ask"]),
        ("哪个尺寸合适", "要大号还是小号？我马上给您备注发货", ["alternative", "direct_ask"]),
        # a cutoff for paying that decides when it ships is a deadline, paid off or paid at all
        ("拍了 晚点付", "看到订单还没付款哦，六点前付完今天就能发出", ["urgency", "payment_reminder"]),
        ("拍了 晚点付", "看到订单还没付款哦，付完今天就能发出", ["payment_reminder"]),
        # another listing's link sent to look at asks for nothing; sent to order from, it asks
        ("有没有无糖的", "无糖的暂时没有，有款代糖的，我把链接发您看看", []),
        ("有小瓶的吗", "有的亲，要的话链接发您，直接拍就行", ["direct_ask"]),
        # the gift she asked about, told to her, answers; a gift for buying pushes, asked or not
        ("送的那个杯刷是什么材质", "赠品杯刷是尼龙毛的，软硬适中", []),
        ("有赠品吗", "有的，现在下单送一个杯刷", ["gift"]),
        # what she takes, in northern or net speech, is a choice; her day is her needs
        ("就这款吧", "得嘞，您是整大号的还是小号的？", ["alternative"]),
        ("推荐一个", "您是整天在家还是上班带着用？", []),
        # the few days left to act in, and a season that is ending, urge (3.25); the season asked about answers
        ("双十一会更便宜吗", "不会更低了，要入就趁这两天", ["urgency"]),
        ("我过阵子再买", "石榴采摘期就到这个月28号，过了就不发了", ["urgency"]),
        ("什么时候上市", "采摘期是每年10月到12月，现在正当季", []),
        ("哪个颜色好看", "看您喜欢哈，满减就到今儿晚上12点", ["urgency"]),
        ("请问寄到台中要几天?", "亲 下午3点前下单当天就会寄出，台中一般隔天就到了", []),
        # gift-wrapping a present she is buying is a service; free with the order, a gift
        ("那就粉色吧", "好的，您直接拍下，需要礼品包装的话我给您备注上", ["direct_ask"]),
        ("想送给我妈", "现在下单免费赠送礼盒包装和贺卡一张", ["gift"]),
        # ordering now, before she has decided all, is asked for; taking it home to try is the trial
        ("先收藏了 过几天再买", "好哒~ 宝看好了可以先拍哦", ["direct_ask"]),
        ("怕买回来用不惯", "您先拍回去试试，不合适7天无理由退", ["trial"]),
        ("怕不好用", "不放心可以先拍一个试试，不满意7天无理由退", ["trial"]),
        # (3.32) an ask after the gift's clause is still an ask; a quantity offered as a question asks, unless it
        # is the choice's second half; a choice between what she will do with it is her needs
        ("那我要一个", "现在拍送一包替换刷头哈 直接拍就行", ["gift", "direct_ask"]),
        ("这个好用吗", "好用得很 手感顺 来两盒？", ["direct_ask"]),
        ("能用多久", "一瓶能用小半年 拍两瓶换着用呗", ["direct_ask"]),
        ("单个多少", "单个12，三个装30，您拿三个装还是先来一个？", ["alternative"]),
        ("想要个球拍", "打单打还是打双打呀？", []),
        ("买个鱼竿", "钓水库还是钓溪流呢？", []),
        ("能快点到吗", "您要改发顺丰，还是走默认中通呢？", ["alternative"]),
        ("有几种", "您要单杯还是带盖的套装？", ["alternative"]),
        # a choice asked with a particle and no question mark; what it spares her (不用来回) is no needs question;
        # 拿出来还是脆的 is "still"
        ("颜色有哪些", "要粉色还是紫色的呀", ["alternative"]),
        ("送我爸的", "老人家不用来回起身去热茶了 您要木纹底座的还是白瓷底座的呢？", ["alternative"]),
        ("会不会受潮", "夹好放两三天拿出来还是脆脆的哦", []),
        # a space before a Chinese word ends the clause: 还是 there is "still", asked nothing
        ("拍了", "看到您拍了 不过订单还是待付款状态哦 库存给您锁着呢", ["payment_reminder"]),
        ("内存选哪个", "您拍 64G 还是 128G", ["alternative"]),
    ],
)
def test_closing_cues_judged_in_context(scorer, customer, text, techniques):
    assert scorer.score_text(text, customer_text=customer).results["closing"].detail["techniques"] == techniques


def test_logistics_fastest_is_not_an_absolute_claim(scorer):
    assert scorer.score_text("最快明天就能到。").results["forbidden"].detail["hits"] == []
    assert scorer.score_text("这是最快的处理器。").results["forbidden"].detail["hits"]


def test_losing_the_customer_fails_a_practice_session(scorer):
    replies = [scorer.score_text("亲,您好,这款是纯棉面料,吸汗透气,您穿着很舒服。", latency_s=5)]
    assert scorer.score_session(replies).passed
    lost = scorer.score_session(replies, outcome="lost")
    assert not lost.passed and lost.failed_outcome == "lost" and lost.total > 60
    assert scorer.score_session(replies, outcome="unpaid").passed


def test_a_session_left_before_its_end_does_not_pass(scorer):
    replies = [scorer.score_text("亲,您好,这款是纯棉面料,吸汗透气,您穿着很舒服。", latency_s=5)]
    left = scorer.score_session(replies, finished=False)
    assert left.total > 60 and not left.passed and left.failed_outcome == "unfinished"


def test_fuzzy_index_finds_what_checking_every_phrase_finds(scorer):
    """The key-character index is only a shortcut: it must never lose a variant."""
    import random

    from rapidfuzz import fuzz

    fuzzy = scorer.criteria["forbidden"].fuzzy
    rng = random.Random(7)
    alphabet = "".join(sorted({c for p in fuzzy.phrases for c in p})) + "的了吗呢亲您好"
    texts = []
    for phrase in fuzzy.phrases:
        chars = list(phrase)
        chars[rng.randrange(len(chars))] = rng.choice(alphabet)  # one character typed differently
        texts.append("亲，" + "".join(chars) + "。")
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(3, 30))) for _ in range(300)]
    for text in texts:
        brute = {
            phrase
            for phrase in fuzzy.phrases
            if fuzz.partial_ratio_alignment(phrase, text, score_cutoff=fuzzy.threshold) is not None
        }
        assert {hit.source for _, hit in fuzzy.find(text)} == brute, text


def test_phrase_trie_matches_like_a_longest_first_alternation():
    """Word lists compile to a trie for speed; hits must be those of the plain alternation."""
    import random
    import re

    from roleplay.text.match import PhraseMatcher

    rng = random.Random(11)
    alphabet = "最近的好不是说了吗爱买要"
    for _ in range(200):
        phrases = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 12))}
        text = "".join(rng.choice(alphabet) for _ in range(40))
        flat = re.compile("|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)))
        expected = [(m.start(), m.group()) for m in flat.finditer(text)]
        assert [(h.start, h.text) for h in PhraseMatcher(phrases).find(text)] == expected, (phrases, text)


@pytest.mark.parametrize(
    ("customer", "text"),
    [
        ("还会降价吗", "活动今晚就结束了，今天拍最划算哈"),
        ("后天要用 能到吗", "今天下午4点前拍，顺丰后天上午到，您这个绝对赶得上"),
        ("能留多久", "这是半永久的眉笔，能留三到五天"),
        ("还要买什么吗", "唯一要带的就是一把剪刀，其他套装里都有"),
        ("路上会不会压碎", "我们泡沫箱打包，路上压碎了算我的，直接补发"),
        ("不好意思又问一遍", "没事的亲，问几遍都行～是纯铜的哈"),
    ],
)
def test_the_allow_lists_rules_spare_look_alikes_without_the_models(library, customer, text):
    # (3.26) the learned models keep most of these clean too; the rules say why, for a rubric that learns nothing
    rules = _criterion_with(library, "forbidden", learned=None)
    assert rules.score_text(text, customer_text=customer).results["forbidden"].detail["hits"] == []


def _forbidden(scorer, text: str, customer: str = "") -> list[str]:
    """The reply's 服务禁语 label as eval gives it: the worst category found (rubric order), if any."""
    hits = scorer.score_text(text, customer_text=customer).results["forbidden"].detail.get("hits", [])
    found = {hit["category"] for hit in hits}
    return [category for category in scorer.rubric.criterion("forbidden").categories if category in found][:1]


@pytest.mark.parametrize(
    ("customer", "text", "category"),
    [
        ("有啥区别", "这个都没听说过嘛，那我也没法跟您讲", "contempt"),
        ("能讲讲原理吗", "讲了您估计也弄不明白，买就完了", "contempt"),
        ("能再便宜点吗", "我们又不是做慈善的", "contempt"),
        ("是不是质量问题", "多半是您自己摔的吧", "confrontation"),
        ("图片是不是修过", "您觉得是就是呗，我也不争了", "confrontation"),
        ("尺码到底多大", "这都第几遍了，看完详情再问行吗", "impatience"),
        ("在吗在吗", "行了行了 这不正查着呢", "impatience"),
        ("能加急吗", "催不了 仓库的事", "denial"),
        ("装得好吗", "能不能装好看您自己了", "denial"),
        ("这个有红色吗", "en", "curt"),
        ("有蓝色吗", "冇", "curt"),
        ("能分开卖吗", "唔得，规定就係规定", "denial"),
        ("保修找谁", "坏咗你自己搵厂家售后啦", "denial"),
        ("能帮我问问物业吗", "我们管卖不管装的", "denial"),
        ("为什么这么贵", "嫌贵建议您去拼多多看看呢", "contempt"),
        ("是不是你们质量问题", "你确定是我们的问题？别往我们头上扣帽子", "confrontation"),
        ("在吗在吗", "麻烦您不要一直刷屏，我只有一双手", "impatience"),
        ("能开发票吗", "俺不都回过恁了吗", "impatience"),
        ("有黑色吗", "第四遍了，没有黑色", "impatience"),
        ("是不是你们的问题", "有本事去平台投诉我呗", "confrontation"),
        ("299能买吗", "99还想买降噪耳机？", "contempt"),
        ("能分装吗", "分不了，这活不干", "denial"),
        ("支持蓝牙吗", "6", "curt"),
        ("有没有五百以内的", "五百块想买羊绒大衣？", "contempt"),
        ("预算三百左右", "预算就这么点的话还是别看电钢琴了", "contempt"),
        ("在吗在吗", "急啥 排队呢", "impatience"),
        ("保修多久", "上面刚说过 往上划一下不就看到了嘛", "impatience"),
        ("用了两天就坏了", "你自己摔的能赖我们吗", "confrontation"),
        ("要黑的还是白的", "黑", "curt"),
        ("能上门安装吗", "不归我们管 要问去问物业", "denial"),
        ("侬这个好用伐", "侬自己不会看详情页伐？", "impatience"),
        # southern "can't", "don't ask me", Guizhou 嘞个 for 这个, a lone 嗯哼
        ("能换个颜色吗", "发了就换不到了，莫问我", "denial"),
        ("能刻字吗", "我们不搞嘞个", "denial"),
        ("是正品吗", "嗯哼", "curt"),
        # sums the shopper cannot do, her hope mocked, pasted answers counted, blame refused in dialect
        ("大号为啥贵这么多", "料多了一倍价钱能一样么，这账都算不过来", "contempt"),
        ("能直接打印照片吗", "您可真是想得挺美，它只认模型文件", "contempt"),
        ("到底有几档", "这都第三次复制粘贴了：两档", "impatience"),
        ("上次的漏了", "那是你自己没拧紧，可赖不着俺们", "confrontation"),
        # an absolute claim that says what others cannot do is the claim, not a refusal
        ("稳不稳", "绝对是行业第一，别家根本做不到", "absolute_claim"),
        # help refused offers nothing; refusals in net speech; the blame thrown back; a boast
        ("能帮我装好再发吗", "这个弄不了，不会帮你拆开装", "denial"),
        ("能先寄来试穿吗", "木有这种操作", "denial"),
        ("戴着头晕", "头晕赖镜片？度数是照单子配的", "confrontation"),
        ("正宗吗", "我家这茶独一份，哪家都比不上", "absolute_claim"),
        # blame for a crooked fitting, a guessed misuse, the fault disowned in dialect, an argument offered
        ("收到是歪的", "那是你自己钉歪了", "confrontation"),
        ("漏水了", "估计是你加水加过头了", "confrontation"),
        ("坏了", "这跟俺们可没啥关系", "confrontation"),
        ("你们骗人", "那咱们今天就好好理论理论", "confrontation"),
        # talking to a wall, goods kept for better shoppers, the fish embarrassed for him
        ("太贵了", "跟您讲这些也是对牛弹琴", "contempt"),
        ("别家便宜", "那您去别家呗 好东西留给识货的人", "contempt"),
        ("怎么钓不到", "鱼都替你着急哈哈", "contempt"),
        # what she can only afford, must learn first, is told suits her; a cheap gift for a boss
        ("太贵了", "您要是只买得起几十块的也行", "contempt"),
        ("凭啥这么贵", "建议您懂点行再来比价", "contempt"),
        ("新手买哪个", "要不您先把咖啡喝明白再说", "contempt"),
        ("有便宜的吗", "九块九专区更符合您的消费水平", "contempt"),
        ("送老板的 便宜点", "送老板还挑便宜的啊", "contempt"),
        ("纯棉吸水吗", "这种常识幼儿园小朋友都知道", "contempt"),
        # the question likened to a silly one, come back when qualified, a daring cheapskate, sarcastic thrift
        ("为啥要买小一码", "你这问的 跟问雨伞为啥要有伞骨一样", "contempt"),
        ("新手选哪个", "先练两个月再来问吧", "contempt"),
        ("拼多多才十块", "十块的你也敢往嘴里放啊", "contempt"),
        ("路边拔的不一样吗", "亲真会过日子呢", "contempt"),
        # the shopper's logic refused; the first chair of a trade; no second one to be found
        ("质量太差了", "您这个结论怎么来的？这逻辑我不接受", "confrontation"),
        ("跟别家有啥不一样", "我家是这行的头把交椅", "absolute_claim"),
        ("安全吗", "全行业找不出第二家这么放心的", "absolute_claim"),
        # read it yourself, in a literary register; nothing better to be found
        ("几个一盒", "详情页写得明明白白 何不自己瞧瞧", "impatience"),
        ("质量好吗", "全网你都找不到比它更结实的", "absolute_claim"),
        # none better than the shop's own, however the rivals are counted
        ("跟手吗", "市面上第三方笔没有一支比咱家更跟手的", "absolute_claim"),
        ("准吗", "放心，没有哪家比我们更准", "absolute_claim"),
        # the shopper's budget sent to shop elsewhere, or told to save up
        ("太便宜了吧", "嫌便宜的话也可以去买几十块一个的嘛🙂", "contempt"),
        ("100块的不行吗", "咱家这档次的您还是攒攒钱再来看吧", "contempt"),
        # what school taught her, and what the agent never saw in all her years
        ("用电吗", "这个高中物理课本就有讲哦", "contempt"),
        ("会不会闷死", "俺卖了八年鸟笼还是头一回遇到这么问的", "contempt"),
    ],
)
def test_forbidden_structures_in_new_words(scorer, customer, text, category):
    assert _forbidden(scorer, text, customer) == [category]


def test_a_thrown_back_word_names_the_fault_only_when_nothing_else_does(scorer):
    # 防水？ throws the shopper's word back: impatience, unless the rest says worse
    assert _forbidden(scorer, "防水？这都写着呢，往下翻翻就有", "防水吗") == ["impatience"]
    assert _forbidden(scorer, "防水？这款防水天花板，吊打所有牌子", "防水吗") == ["absolute_claim"]


@pytest.mark.parametrize(
    ("customer", "text", "category"),
    [
        ("床垫太硬了", "太硬？您这是睡惯了棉花堆吧", "contempt"),
        ("起球了", "起球？谁家毛衣不起球，您穿之前咋不问", "confrontation"),
        ("鞋子小了", "小？您自己量过没有", "confrontation"),
        ("这是什么材质", "这都不认识😮‍💨 买回去也是白买", "contempt"),
        ("多大尺寸", "规格在图里😮‍💨", "impatience"),
    ],
)
def test_a_thrown_back_word_or_a_sigh_says_rude_and_the_words_say_which_fault(scorer, customer, text, category):
    # 慢？ opens a retort or a sneer as often as irritation: the learned model names the fault
    assert _forbidden(scorer, text, customer) == [category]


@pytest.mark.parametrize(
    ("customer", "text", "category"),
    [
        # the cheaper one she names, said to suit her or to be bought, however politely (3.22)
        ("淘宝上才十几块", "十几块那种您放心买哈", "contempt"),
        ("跟超市的一样吧", "您觉得一样那就买超市那个吧", "contempt"),
        ("别家才二十", "二十的那个挺适合您的😊", "contempt"),
        ("外面卖十块", "十块钱的话买那种也挺好的", "contempt"),
        # the shop's own cheaper model recommended; a close
        ("有便宜点的吗", "预算少一点的话，这款基础版也挺适合您的", None),
        ("我再想想", "喜欢的话放心拍，七天无理由", None),
    ],
)
def test_the_shopper_sent_to_her_cheaper_find_is_contempt_by_the_rules_alone(library, customer, text, category):
    rules = _criterion_with(library, "forbidden", learned=None)
    assert _forbidden(rules, text, customer) == ([category] if category else [])


def _tone_set(library, **settings) -> Scorer:
    """A scorer of the default rubric with other settings of its learned tone model."""
    return _learned_set(library, "forbidden", **settings)


@pytest.mark.parametrize(
    ("customer", "text", "category"),
    [
        # 你当我是千手观音啊 is listed as contempt; after 一下子甩过来七八个问题 it is irritation at being asked
        ("多重？尺寸？什么材质？能机洗吗？几天到？", "一下子甩过来七八个问题，你当我是千手观音啊 排队等着", "impatience"),
        # the reviews thrown back and the shopper told not to buy: an argument, whatever word was listed
        ("评论说漏水", "那是人家自己没装好，评论你要信就别买我们家的呗", "confrontation"),
    ],
)
def test_the_whole_reply_names_the_fault_a_listed_word_stands_for(library, scorer, customer, text, category):
    assert _forbidden(scorer, text, customer) == [category]
    # with no relabelling the listed word's own category stands (both are contempt by their words)
    assert _forbidden(_tone_set(library, words_relabel_margin=None), text, customer) == ["contempt"]


def test_a_short_reply_keeps_the_fault_its_words_name(scorer):
    # a few words say too little about tone to overrule a listed word (the labelling guide's examples)
    assert _forbidden(scorer, "你自己去看吧。") == ["impatience"]
    assert _forbidden(scorer, "你自己看详情页。") == ["impatience"]
    assert _forbidden(scorer, "你自己看详情页吧，懒得说了") == ["impatience"]


@pytest.mark.parametrize(
    ("text", "feature"),
    [
        # what it is made of, or how, whatever the material: a feature the gazetteer need not list
        ("饺子皮是高筋雪花粉做的，煮久了也不破", "是高筋雪花粉做的"),
        ("汤底是牛骨慢火熬的，喝着特别鲜", "是牛骨慢火熬的"),
        # a wood named alone
        ("这把是红木的，越盘越亮", "红木"),
        # a rival's cheap make is no feature of this product
        ("那种便宜的是边角料压的，一泡就散", None),
        # how it was made, by its word-formation
        ("咱家没熏硫，是太阳底下自然晒干的", "晒干的"),
        ("我们这个是机器色选过的，颗颗干净", "色选"),
        ("熟茶是渥堆发酵过的，茶性温和", "渥堆发酵"),
        ("我们这是山里的老藤子编的，结实", "编的"),
        # a story made up is no make
        ("网上那些都是瞎编的，别信", None),
    ],
)
def test_what_a_product_is_made_of_is_a_feature(scorer, text, feature):
    fab = scorer.score_text(text, expects=["fab"]).results["fab"]
    assert [e.text for e in fab.evidence if e.label == "F"] == ([feature] if feature else [])


@pytest.mark.parametrize(
    "text",
    ["亲，您好！这款锅内胆是陶瓷涂层，不粘好洗，您下班回家十分钟就能给孩子做好鸡翅～爱买不买。",
     "亲这款是纯棉的，夏天穿着透气不闷汗，您上班一整天都清爽~ 爱买不买哦"],
)
def test_a_warm_pitch_does_not_excuse_a_rude_clause_tacked_on(scorer, text):
    # the whole reply leans kind, but the clause that holds 爱买不买 does not: it is still contempt
    assert _forbidden(scorer, text, "这款好在哪？") == ["contempt"]


@pytest.mark.parametrize(
    ("customer", "text"),
    [
        ("新疆几天到", "哈哈这距离我真的会谢😭 不过下午四点前拍当天就能发，路上三四天，单号随时能查哈"),
        # a development reply its writer labelled clean (neck_massager-07)
        ("第一次用这种，要注意啥", "亲 第一次用建议从1档起步，先跑通体感再慢慢往上拉，别一上来就满档哈~ 贴片最好先拿湿毛巾擦下脖子，导电更均匀👍"),
    ],
)
def test_a_listed_word_in_a_warm_reply_is_taken_back(library, scorer, customer, text):
    # 会谢 and 往上拉 are listed; in a reply the tone model finds plainly kind they are a sigh and a
    # setting turned up
    assert _forbidden(scorer, text, customer) == []
    assert _forbidden(_tone_set(library, clean_margin=None), text, customer) != []


@pytest.mark.parametrize(
    "text",
    [
        # a dog's liking and what students lack most, worded as no allow-list rule has them: the
        # claim model, fitted to the labelled clauses that hold 最 and the like, reads their context as a
        # look-alike's (it does not yet read 我闺女最馋了 or 刚开始最多放半勺 so: those stay flagged)
        "上次那位大哥说他家狗最馋这个味儿",
        "学生党最缺的就是时间",
    ],
)
def test_a_claim_word_in_a_clause_like_its_look_alikes_is_taken_back(library, scorer, text):
    assert _forbidden(scorer, text) == []
    assert _forbidden(_tone_set(library, claims=None), text) == ["absolute_claim"]


@pytest.mark.parametrize(
    "text",
    ["这是全网最便宜的一款了", "用了它您家地板绝对一尘不染", "这个牌子做鱼线是国内第一的", "质量绝对是同行里最顶的"],
)
def test_the_claim_model_keeps_claims(scorer, text):
    assert _forbidden(scorer, text) == ["absolute_claim"]


def test_a_mark_of_tone_names_the_fault_only_when_no_words_do(scorer):
    # an eye-roll makes a plain answer impatient, a cold smile a challenge, doubled ?? too
    assert _forbidden(scorer, "规格在图里😤", "多大尺寸") == ["impatience"]
    # an eye-roll or an upside-down smile is as often played for laughs: no mark on its own
    assert _forbidden(scorer, "小姐姐我也想便宜啊🙄 老板盯着呢，首页有张满99减10的券", "便宜点") == []
    assert _forbidden(scorer, "行吧😒", "我要去投诉你们") == ["confrontation"]
    # a plain smile is friendly to as many agents as it is cold to: it names nothing
    assert _forbidden(scorer, "收到🙂 已经帮您改成公司地址了", "地址帮我改成公司吧") == []
    assert _forbidden(scorer, "您买这个干嘛😏", "这个适合我吗") == ["contempt"]
    assert _forbidden(scorer, "谁说质量不好了？？", "质量一般吧") == ["confrontation"]
    # the words' own category wins over the tone's
    assert _forbidden(scorer, "说了八百遍了😒", "有黑色吗") == ["impatience"]
    # a friendly face or a sympathetic sigh is no fault
    assert _forbidden(scorer, "唉理解，这款活动明晚结束😊", "好贵") == []


@pytest.mark.parametrize(
    "text",
    [
        "用之前先问问医生最稳妥", "最大支持A3幅面", "宝宝多大了呀？我帮您选尺码", "最上面一层放馒头", "不用满屋子找别的配件",
        # advice, ordinals, a plain fact in chat spelling, a ceiling, a kind of sale, a free choice
        "骑车的话最好戴上头盔", "付了明早第一车就发", "唯一滴区别就是颜色咯", "躺着看天花板都能看清投影",
        "今晚八点有秒杀价", "水温随您调，30到45度", "能退的亲，就是拆封用过的退不了，毕竟是贴身的",
        "吹的时候别开最高档", "好的，给您备注加急嘛",
        # a recommended limit; one case refused with the policy's other case granted
        "锅里最多建议放4块牛排，放多了受热不均", "用过的退不了哈，没拆封的7天内都能退",
        # the shop's own range, and a budget served within the shop
        "我们没有比它更小的款了哈", "预算有限的话就买基础款，够用了", "嫌贵的话可以先拍小瓶装试试",
        # a ranking within the shop's own stock; a joke's hyperbole
        "是的 今年店里销量第一就是它 上个月走了3000多件", "哈哈哈宝子你这脚后跟拿去磨刀都行了吧😂 开玩笑哒别灰心",
        # the only colour in stock is a fact; 要是您自己… is "if you yourself…"
        "杭州的话目前唯一有本地仓现货的是奶白色", "亲～要是您自己不太能吃辣，选鲜脆的就好啦😊",
        # the shopper's own busy day
        "亲～要是您平时没空煮的话，选即食款更方便哦😊",
        # a fibre's share a few characters on; the newest batch of stock
        "亲 这款是100%长绒棉哈 32支纱毛圈的～", "可以的 种草了就直接拍 我帮你备注发最新批次😉",
        # a season's best moment; at most, a shrug
        "姐妹三亚11月到3月浪才最好玩哈～", "哈哈你个傻妹😂 饮唔变嘅啦，最多成日跑厕所咋~",
        # an honest hedge, the agent's own honesty, a composition, the weather's worst days
        "不敢跟您说绝对不漏哈😅 倒放还是会洒一点的", "老实跟你讲哈 不敢说百分百一点皮都不剩", "这个我绝对不忽悠家人们～",
        "是100%铂金硫化的食品级硅胶哈", "一年里最热的三伏天也有很多顾客在用的",
        # a fibre content in words, as it is in figures (3.21); Wu's 欢喜 is 喜欢
        "里衬百分之百桑蚕丝，贴着脖子不痒", "这条围巾百分百羊毛的哦", "阿拉自家最欢喜格子那条😊",
        # 绝对 said of the shopper or of the agent's service, what shoppers ask most, a share of virgin material (3.22)
        "您绝对能学会的，不懂随时问我", "路上压坏了找我，绝对给您换新的", "大家问得最多的就是能不能机洗",
        "瓶身是100%新料PET，没有异味",
        # the shop's own cheaper model recommended, and a close (not the cheaper one she found)
        "预算少一点的话，这款基础版也挺适合您的", "喜欢的话放心拍，七天无理由",
        # a lifespan a cost per year is worked out from
        "这琴是大漆鹿角霜灰胎，弹上几十年都不塌音，算下来一年不过百来块",
    ],
)
def test_advice_limits_and_needs_questions_are_clean(scorer, text):
    assert _forbidden(scorer, text, "推荐一下") == []


@pytest.mark.parametrize(
    ("text", "parts", "key"),
    [
        ("这款是纯棉的。", ["F"], "feature_only"),
        ("这款特别耐磨。", ["A"], "advantage_only"),
        ("内胆是316不锈钢，耐腐蚀。", ["F", "A"], "missing_benefit"),
        ("容量是5L，您一家三口吃完全够用。", ["F", "B"], "missing_advantage"),
        ("您用着肯定省心。", ["B"], "missing_feature"),
    ],
)
def test_fab_advice_names_the_part_that_is_missing(scorer, text, parts, key):
    # a feature and a benefit without the advantage between them are not told "add a feature"
    result = scorer.score_text(text, index=1, expects=["fab"]).results["fab"]
    assert result.detail["components"] == parts
    assert result.advice == scorer.rubric.criterion("fab").advice[key]


@pytest.mark.parametrize(
    ("customer", "text", "category"),
    [
        ("能合一起发吗", "合不了，各发各的。", "denial"),
        ("是这款吗", "放心，错不了，就是这款～", None),  # 错不了 promises, it does not refuse
        ("能改价吗", "改不了哈，不过可以送您运费险。", None),  # an offer after the refusal
        ("能刻字吗", "亲的想法真浪漫呢～不过咱不接这活儿哈", "denial"),  # 不过 before the refusal turns to it
        ("你们家哪个最辣", "最辣的就是特辣款了哈", None),  # her own superlative, answered
        ("是不是全网最便宜的", "咱家这价 全网最低，别处您找不着更便宜的👍", "absolute_claim"),  # her 全网最 runs into 便宜, ours into 低
        ("第一次学琵琶买哪种", "亲放心，我们是苏州第一琵琶作坊，三十年老店了～", "absolute_claim"),  # her 第一次 is no 第一作坊
        ("这个会不会过几个月就塌了", "亲放心 我们家里面是高回弹海绵 用多久都不会塌的", "absolute_claim"),  # however long: a promise
        ("木头会不会被按出坑", "整块乌木，按弦几年都不会被压出坑", None),  # a span of years endured is a fact
        ("那菌粉到底放多少啊", "收到。第三次回答：1克配1升奶", "impatience"),
        ("夏天睡着热不热", "透气不闷，您夏天翻来覆去也不会一脸汗", None),  # tossing in bed, not asking again
        # what everyone knows, and what she could never tell apart anyway (3.24); not a lesson, nor the returns
        ("这个要拧紧吗", "这都是常识嘛，拧到底就行", "contempt"),
        ("配个便宜的行不行", "行啊，反正您也弹不出什么名堂", "contempt"),
        ("铸铁锅要开锅吗", "给您科普点基础常识：铸铁锅第一次用要先开锅", None),
        ("会不会用不惯", "反正用不惯也能退，您放心试", None),
        # not sold apart, and nothing offered; the only one in the shop's own range is a fact
        ("能单独买个灯头吗", "没有单卖的。", "denial"),
        ("能单独买个灯头吗", "没有单卖的，不过有个配件包里带灯头，我把链接发您", None),
        ("有儿童款吗", "这款只有成人款，目前店里唯一的儿童尺码是另一款纯色的", None),
        # a flat no in Sichuanese (3.25); 得不得行 asks; agreeing with what she said claims nothing
        ("能不能帮我刻个字", "不得行", "denial"),
        ("冬天嘴巴好干", "姐妹你说的绝对是真的，冬天嘴巴就是容易干", None),
        # a person called the best in jest, when to use it as advice, a craft's hardest subject: no claim (3.25)
        ("这垫子是啥材质的", "天然橡胶底，老铁你往那一坐，绝对是牌桌上最靓的仔😎", None),
        ("什么时候挂出去比较好", "早春挂最好，三月底蜂就开始找地方做窝了", None),
        ("属龙的有吗", "有！十二属相里头就数龙最难画", None),
        ("这个好吗", "这款绝对是全网最好的", "absolute_claim"),
        # a refusal in Cantonese as a clause of its own, not a lapse or no problem (3.26)
        ("可唔可以帮我包好礼物", "唔得，冇得包", "denial"),
        ("可以改地址吗", "冇得改喇，已经出库", "denial"),
        ("我再想想", "今晚前落单送个杯垫，过咗就冇得送了", None),
        ("装得下吗", "装两本书冇得问题", None),
        ("能换成木柄的吗", "无得换，就这款", "denial"),
        # a retort asks where the agent could conjure it from: no help offered (3.26)
        ("能换成玻璃瓶吗", "换不了 上哪给你变玻璃瓶去", "denial"),
        # the parcel answered for on its way is a service; a dare to test it is a retort, not a claim (3.26)
        ("路上会不会压碎", "我们泡沫箱打包，路上压碎了算我的，直接补发", None),
        ("是不是掺了糖", "不信你拿去化验，化验出来算我的", "confrontation"),
        # asking again welcomed; a kind of product; the one thing to bring (3.26)
        ("不好意思又问一遍", "没事的亲，问几遍都行～是纯铜的哈", None),
        ("能留多久", "这是半永久的眉笔，能留三到五天", None),
        ("还要买什么吗", "唯一要带的就是一把剪刀，其他套装里都有", None),
        ("这个狮子摆件", "百兽之王的造型，摆客厅很威风", None),
        # buying now against buying later; her parcel in time; a claim over the market beside it still claims (3.26)
        ("还会降价吗", "活动今晚就结束了，今天拍最划算哈", None),
        ("后天要用 能到吗", "今天下午4点前拍，顺丰后天上午到，您这个绝对赶得上", None),
        ("还会降价吗", "这已经是全网最低了，今天拍最划算", "absolute_claim"),
        # her idea praised in mock wonder, being told to make do with less; not the product's design praised, nor
        # making do while a replacement comes (3.26)
        ("能挂在门上吗", "姐妹你这想法好有想象力哦，门板挂个铁锅，进出都得低头", "contempt"),
        ("太贵了", "嫌贵的话买个塑料的将就用吧", "contempt"),
        ("好看吗", "这款设计好有创意，盖子翻过来就是杯垫", None),
        ("发错了怎么办", "实在抱歉，您先将就用一下，新的明天就到", None),
        # sent elsewhere for cheaper goods in a clerk's words, or told not to buy here; not the shop's own cheaper one (3.26)
        ("太贵了", "如您对价格比较敏感，建议您前往其他平台选购低价商品", "contempt"),
        ("能便宜吗", "本品定位高端，无需在本店消费", "contempt"),
        ("太贵了", "预算有限的话，我们店里也有平价款，我发您链接看看", None),
        # her use ruled the cause in a clerk's words; not advice on how to avoid it (3.26)
        ("用了三天就裂了", "经核实，开裂系您用开水直接浇烫所致，属于使用不当", "confrontation"),
        ("怎么保养", "请按说明书清洗，避免操作不当造成开裂", None),
        # a one-character tautology, Minnan 阮 (we) disowning it, the forfeit in 额 as in 我, a market searched in vain
        # in 寻, 说得都对 as 说的都对; 绝对 as a must in Shaanxi 嫑, and an alloy's grade after 100% (3.26, batch BC)
        ("有没有试吃装", "没试吃装 没就是没", "denial"),
        ("收到瓶子碎了", "碎了找快递 唔关阮事", "denial"),
        ("夹子会松吗", "这夹子额敢打包票，松了算额的", "absolute_claim"),
        ("耐磨吗", "市面上再寻不着哪家比这更耐磨的咧", "absolute_claim"),
        ("用手撸不就行了", "您说得都对😊 那您自己用手撸吧", "confrontation"),
        ("开车能调吗", "能调，不过开车途中绝对嫑伸手去调，停稳了再弄", None),
        ("是真铝的吗", "帽身100%6061铝合金一体车出来的", None),
        # the agent's own irritation as a clause of its own, ten for one, paid back, sworn to, a whole market searched in
        # vain for better; not her bother shared, a hedge that dares not swear, 100% of a named stone (3.27, batches BB, BD)
        ("有大码吗", "有有有 烦死了", "impatience"),
        ("宝宝出牙老哭", "出牙那阵子是烦人😅 可以给他冰一下牙胶", None),
        ("磨出来细吗", "磨出来要有一粒渣，您拿来我一赔十", "absolute_claim"),
        ("会不会晕染", "要是写上去晕开了假一赔十", "absolute_claim"),
        ("是正品吗", "官方授权，支持专柜验货，假一赔十", None),
        ("能便宜点不", "这价您随便比，找着更便宜的我倒贴您", "absolute_claim"),
        ("会生锈吗", "这个我敢打包票，放阳台风吹雨淋也锈不了", "absolute_claim"),
        ("孕妇能用吗", "这个我可不敢打包票，您问问医生稳妥些", None),
        ("是真玉吗", "手镯是100%岫岩玉石磨的", None),
        ("哪家便宜", "这个价全网找不出第二家", "absolute_claim"),
        # a bare refusal with its particle, a forfeit until her grandchildren's day, nobody in the country to compare; not
        # the shopper's own grandchildren (3.27)
        ("能帮我包成礼物吗", "不能喔。", "denial"),
        ("会不会断", "这锯条您用到孙子辈都断不了", "absolute_claim"),
        ("你们是老牌子吗", "做了二十年了，业内没人比咱家更懂这个", "absolute_claim"),
        ("适合小孩玩吗", "适合的，我孙子那辈的小孩都爱玩这个", None),
        # her skill measured against a kindergarten child's (contempt's child-as-yardstick pattern); not a product
        # simple enough for children, nor one they love
        ("说明书看不懂", "这有啥难的 幼儿园娃娃都会戴😒", "contempt"),
        ("操作难吗", "操作简单，家里小朋友都会用，老人也能上手", None),
        ("好吃吗", "甜甜的，家里小朋友都会抢着吃", None),
        # written there already; the shop cannot manage it; a market searched in vain after 翻遍; not her own failing, nor
        # recycled plastic as a share (3.28, batch BE)
        ("腰围多少", "尺码图上不是标得清清楚楚吗", "impatience"),
        ("能刻字吗", "刻字我们弄不来的", "denial"),
        ("装不上怎么办", "真弄不来可以7天无理由退", None),
        ("还能便宜吗", "这价您翻遍各大平台都找不到比这还低的", "absolute_claim"),
        ("什么材料", "100%再生PET瓶片做的", None),
        # the shop's own model said to suit her is no slight, sending her elsewhere is; a small need mocked; her question
        # called common sense, not a tip offered as 小常识; Cantonese 我点知; a bare 嗯呢; praise as 离不开, and what nobody
        # said of it; 第一 in a place's name (3.36, batches BW and BX)
        ("有便宜点的吗", "预算紧一点的话，这款入门版也蛮适合您的", None),
        ("有便宜点的吗", "预算紧的话，拼夕夕九块九那种更适合您", "contempt"),
        ("能单买三个吗", "三只鸡还装啥自动喂食器 撒把米得了", "contempt"),
        ("铸铁锅要开锅吗", "亲，这个属于常识哈", "contempt"),
        ("铸铁锅怎么保养", "跟您分享个小常识：用完擦干抹层薄油就不会锈", None),
        ("铸铁锅怎么保养", "跟您分享个生活常识：铸铁锅用完擦干抹层薄油就不会锈", None),
        ("铸铁锅怎么保养", "科普一个常识哈，铸铁锅别泡水", None),
        ("跟宜家那款比哪个好", "我點知呀", "denial"),
        ("真的能用吗", "嗯呢~", "curt"),
        ("保暖吗", "暖和得很 冬天离不开", None),
        ("好用吗", "好用 我们仓库几个师傅都在用 没听谁说不行", None),
        ("适合度假穿吗", "晚上去第一市场逛逛吃海鲜正合适", None),
        ("附近哪能买到", "第一人民医院旁边那家药房就有", None),
        ("售后怎么联系", "这几天还有啥问题随时找我就行", None),
        # asked again why she asks, told not to send so many, no time to teach each one, hurry called useless, the blame
        # asked back; not the shopper's own busy morning (3.36)
        ("到底几张", "上面不刚说完嘛 12张", "impatience"),
        ("几张啊", "12张，咋还问呢", "impatience"),
        ("能不能啊 回一下", "能的😊 您不用连发五条，我看到了的", "impatience"),
        ("温控器怎么调", "说明书上都印着 我这一天几十号人问 哪有功夫挨个教", "impatience"),
        ("怎么还不发", "催是没有用的哦，仓库按顺序来", "impatience"),
        ("掉下来了", "胶要放一天才能挂，您当天就挂，那怪谁呢", "confrontation"),
        ("平时忙吗", "您上班哪有时间做早饭，这个定时一开就行", None),
    ],
)
def test_forbidden_by_structure(scorer, customer, text, category):
    hits = scorer.score_text(text, customer_text=customer).results["forbidden"].detail["hits"]
    assert [h["category"] for h in hits][:1] == ([category] if category else [])


@pytest.mark.parametrize("text", ["外层140D尼龙，中间TPU防水膜，全压胶工艺。", "盆身是食品级PP，底下8个硅胶防滑脚~"])
def test_a_word_formation_that_names_a_part_is_a_feature_not_an_advantage(scorer, text):
    fab = scorer.score_text(text, index=1, expects=["fab"]).results["fab"]
    assert fab.detail["components"] == ["F"]
    assert not [e for e in fab.evidence if e.label == "A"]


def test_an_except_pattern_is_checked_like_a_pattern():
    from pydantic import ValidationError

    from roleplay.content.models import Lexicon

    with pytest.raises(ValidationError, match="bad regular expression"):
        Lexicon.model_validate({"except_patterns": ["防(水"]})


def test_a_measure_then_its_dimension_is_no_advantage(scorer):
    """5公分高 says how tall, not that something is high-performing (速度高, 亮度高)."""
    parts = scorer.score_text("最多能放5公分高的面包", customer_text="能放多厚的").results["fab"].detail["components"]
    assert "A" not in parts and "F" in parts


def test_a_feature_stands_where_the_models_are_sure_of_its_advantage_and_benefit(library, scorer, monkeypatch):
    # shipping talk after a pitch pulls the F model down; an advantage and a benefit the A and B
    # models are sure of rest on the feature the rules found, so its doubt does not drop it (the
    # models lean as given here: each refit of the corpus moves the F model's doubt of this pitch)
    pitch = "这款枕芯用的是7D中空纤维，回弹特别好，不塌不变形，您侧睡仰睡脖子都有支撑，早上起来不落枕～快递默认中通3-5天，补10元可以改顺丰2-3天到，您看要改顺丰还是走中通？"
    assert "F" in _fab_with_leans(library, monkeypatch, {"F": -8.0, "A": 3.0, "B": 3.0})(pitch)
    assert "F" not in _fab_with_leans(library, monkeypatch, {"F": -8.0, "A": -8.0, "B": -8.0})(pitch)
    # where they are not, the doubt drops a feature the rules found in a price answer
    strict = _learned_set(library, "fab", drop_margin={"F": 1, "A": 2.5, "B": 2})
    price = "带两块电池的套装标价629，用券后599哈～"
    rules = _criterion_with(library, "fab", learned=None)
    assert "F" in rules.score_text(price, customer_text="多少钱", expects=["fab"]).results["fab"].detail["components"]
    assert "F" not in strict.score_text(price, customer_text="多少钱", expects=["fab"]).results["fab"].detail["components"]


def test_a_rubric_that_learns_only_the_feature_still_doubts_it(library):
    # a trainer may fit the F model alone; with no A and B models to vouch, the F model's doubt decides
    only_f = _learned_set(library, "fab", parts=["F"], drop_margin={"F": 1, "A": 2.5, "B": 2})
    price = "带两块电池的套装标价629，用券后599哈～"
    assert "F" not in only_f.score_text(price, customer_text="多少钱", expects=["fab"]).results["fab"].detail["components"]


def test_a_sentence_with_the_cards_own_words_keeps_what_the_rules_find_in_it(library):
    # the models' doubt (made strict here: any lean against a part drops it) was learned from other
    # shops' replies; a sentence that says the card's own words (包装精致) is about the product on the
    # trainee's screen, so the feature and advantage the rules find beside them stand
    fab = library.rubric("default").criteria["fab"]
    strict = _learned_set(library, "fab", drop_margin={"F": 0, "A": 0, "B": 0}, drop_on_words_only=[])
    card = library.scenarios["snacks_coupon_stack"].product
    assert card.id == "nut_gift_box" and "包装精致" in card.features[3].advantage and fab.learned is not None

    def parts(text: str, product) -> dict[str, list[str]]:
        # the feature and the advantage: what the card's words vouch for (a benefit the B model adds
        # on its own, 拆开就能直接摆上桌 for a gift since rubric 3.7's refit, is no part of this)
        result = strict.score_text(text, customer_text="送人合适吗", expects=["fab"], product=product).results["fab"]
        found: dict[str, list[str]] = {}
        for evidence in result.evidence:
            if evidence.label in "FA":
                found.setdefault(evidence.label, []).append(evidence.text)
        return found

    one_sentence = "拿来送人挺合适，盒子配了手提袋，包装精致，拆开就能直接摆上桌"
    assert parts(one_sentence, card) == {"F": ["配了手提袋"], "A": ["包装精致", "能直接摆上"]}
    assert parts(one_sentence, None) == {}  # without the card the models' doubt drops them all
    # in a sentence of its own, the feature is not vouched for by the card's words in the next one
    assert parts("盒子配了手提袋，拆开就能直接摆上桌。包装精致，送人挺合适", card) == {"A": ["包装精致"]}
    assert parts("拿来送人挺合适，盒子配了手提袋，拆开就能直接摆上桌", card) == {}
    # the card's feature words (礼盒) do not vouch: service talk names them too
    assert parts("礼盒我先帮您留着，您什么时候拍都可以，不着急", card) == {"F": ["礼盒"]}


def test_a_sentence_that_retells_the_cards_words_keeps_what_the_rules_find_in_it(library, monkeypatch):
    # a trainee who explains the card in her own words is vouched for like one who quotes it: the
    # sentence below keeps 6 of the 9 characters of the card's 不开锅也能看到火候 (the models' doubt is
    # made strict here, and forced: a refit may lean either way on these few words)
    card = library.scenarios["air_fryer_fab"].product
    assert "不开锅也能看到火候" in [f.advantage for f in card.features]
    retold = "正面有个透明小窗，不打开锅就能看到上色到哪一步了"

    def parts(scorer, text: str) -> list[str]:
        scorer = _leaning(monkeypatch, scorer, "fab", F=-1.0, A=-1.0, B=-1.0)
        result = scorer.score_text(text, customer_text="这款炸锅好在哪？", expects=["fab"], product=card).results["fab"]
        monkeypatch.undo()
        return sorted({e.label for e in result.evidence})

    strict = {"drop_margin": {"F": 0, "A": 0, "B": 0}, "drop_on_words_only": []}
    assert parts(_learned_set(library, "fab", **strict), retold) == ["A", "F"]
    assert parts(_learned_set(library, "fab", **strict, card_paraphrase=None), retold) == []
    # a sentence that shares a few of its characters (锅, 看) retells nothing
    assert parts(_learned_set(library, "fab", **strict), "正面有个透明小窗，锅里的东西看得一清二楚") == []


def test_a_check_in_on_a_quiet_shopper_is_not_flagged_by_the_tone_alone(library, monkeypatch):
    """想好了没呀 and 咋没动静了呢 share impatience's characters (没, 了呢, 咋): where the tone model leans
    rude on the clause that holds one, it does not flag it on its own; listed words still do."""
    scorer = _leaning(monkeypatch, Scorer(library.rubric("default")), "forbidden", tone=4.0)

    def found(text: str) -> list[str]:
        return [hit["category"] for hit in scorer.score_text(text).results["forbidden"].detail["hits"]]

    assert found("亲～想好了没呀，要不要拍一个") == []
    assert found("消息收到没亲？咋没动静了呢") == []
    assert found("想好了没有？墨迹半天了") == ["impatience"]
    assert found("你到底要不要啊，磨磨唧唧的") != []  # no check-in: the model's verdict stands


def test_what_is_said_of_a_rival_shop_is_not_flagged_by_the_tone_alone(library, monkeypatch):
    """那家便宜的很可能是高仿 says what another shop's goods are, not what the shopper is: where the tone
    model leans rude, the reply is flagged on its own only if the rest, without the clauses about a
    rival's goods, still leans rude; a retort sending her to the rival is listed and still flagged."""
    scorer = _leaning(monkeypatch, Scorer(library.rubric("default")), "forbidden", tone=4.0)

    def found(text: str) -> list[str]:
        return [hit["category"] for hit in scorer.score_text(text).results["forbidden"].detail["hits"]]

    assert found("亲，那家便宜的多半是拼接料，用不了多久就开胶") == []
    assert found("别家那个价位的基本都是拼接板，您摸摸就知道") == []
    assert found("嫌贵你去别家买啊，又没人拦着") != []


def test_a_part_the_model_finds_is_not_shown_on_what_a_reply_says_of_another_product(library, monkeypatch):
    """What a rival is made of (那种便宜的是边角料压的) is no feature of this product: where the F model
    leans towards a feature, it is shown only if the rest of the reply, without the clauses about
    another product, still leans past the margin (the lean is forced here: a refit may move it)."""
    scorer = _leaning(monkeypatch, Scorer(library.rubric("default")), "fab", F=4.0)

    def features(text: str) -> list[str]:
        result = scorer.score_text(text, expects=["fab"]).results["fab"]
        return [e.text for e in result.evidence if e.label == "F"]

    assert features("咱家这个摸着就不一样") == ["咱家这个摸着就不一样"]
    assert features("那种便宜的是边角料压的，一泡就散") == []
    assert features("别家那种是化纤的，咱家这个摸着就不一样") == []


def test_a_trainers_look_alike_patterns_hold_for_features_and_persons(library):
    """``except_patterns`` is part of every word list a trainer edits, the FAB feature list and the
    persons a benefit is said of among them (both were read without it before rubric 3.14)."""
    fab = library.rubric("default").criteria["fab"]
    feature = fab.feature.model_copy(update={"except_patterns": ["纯棉"]})
    person = fab.person.model_copy(update={"except_patterns": ["宝宝"]})
    rules = _criterion_with(library, "fab", learned=None)
    strict = _criterion_with(library, "fab", feature=feature, person=person, learned=None)

    def parts(scorer: Scorer, text: str) -> list[str]:
        return scorer.score_text(text, expects=["fab"]).results["fab"].detail["components"]

    assert parts(rules, "面料是纯棉的") == ["F"]
    assert parts(strict, "面料是纯棉的") == []
    assert parts(rules, "宝宝贴身穿也不会闷") == ["A", "B"]
    assert parts(strict, "宝宝贴身穿也不会闷") == ["A"]
