// Fabrikam group proxy auto-config: generated from the network inventory.
// Large on purpose (about 2000 lines, like real group-wide PAC files):
// 500 direct hosts, 300 direct networks, 350 regional domains, 400 vendor rules.
// Entries are numbered so tests can pick any of them; do not edit by hand.

var DEFAULT_PROXY = "PROXY proxy.fabrikam.example:8080; PROXY proxy-dr.fabrikam.example:8080";

var directHosts = {
	"app000.intra.fabrikam.example": true,
	"app001.intra.fabrikam.example": true,
	"app002.intra.fabrikam.example": true,
	"app003.intra.fabrikam.example": true,
	"app004.intra.fabrikam.example": true,
	"app005.intra.fabrikam.example": true,
	"app006.intra.fabrikam.example": true,
	"app007.intra.fabrikam.example": true,
	"app008.intra.fabrikam.example": true,
	"app009.intra.fabrikam.example": true,
	"app010.intra.fabrikam.example": true,
	"app011.intra.fabrikam.example": true,
	"app012.intra.fabrikam.example": true,
	"app013.intra.fabrikam.example": true,
	"app014.intra.fabrikam.example": true,
	"app015.intra.fabrikam.example": true,
	"app016.intra.fabrikam.example": true,
	"app017.intra.fabrikam.example": true,
	"app018.intra.fabrikam.example": true,
	"app019.intra.fabrikam.example": true,
	"app020.intra.fabrikam.example": true,
	"app021.intra.fabrikam.example": true,
	"app022.intra.fabrikam.example": true,
	"app023.intra.fabrikam.example": true,
	"app024.intra.fabrikam.example": true,
	"app025.intra.fabrikam.example": true,
	"app026.intra.fabrikam.example": true,
	"app027.intra.fabrikam.example": true,
	"app028.intra.fabrikam.example": true,
	"app029.intra.fabrikam.example": true,
	"app030.intra.fabrikam.example": true,
	"app031.intra.fabrikam.example": true,
	"app032.intra.fabrikam.example": true,
	"app033.intra.fabrikam.example": true,
	"app034.intra.fabrikam.example": true,
	"app035.intra.fabrikam.example": true,
	"app036.intra.fabrikam.example": true,
	"app037.intra.fabrikam.example": true,
	"app038.intra.fabrikam.example": true,
	"app039.intra.fabrikam.example": true,
	"app040.intra.fabrikam.example": true,
	"app041.intra.fabrikam.example": true,
	"app042.intra.fabrikam.example": true,
	"app043.intra.fabrikam.example": true,
	"app044.intra.fabrikam.example": true,
	"app045.intra.fabrikam.example": true,
	"app046.intra.fabrikam.example": true,
	"app047.intra.fabrikam.example": true,
	"app048.intra.fabrikam.example": true,
	"app049.intra.fabrikam.example": true,
	"app050.intra.fabrikam.example": true,
	"app051.intra.fabrikam.example": true,
	"app052.intra.fabrikam.example": true,
	"app053.intra.fabrikam.example": true,
	"app054.intra.fabrikam.example": true,
	"app055.intra.fabrikam.example": true,
	"app056.intra.fabrikam.example": true,
	"app057.intra.fabrikam.example": true,
	"app058.intra.fabrikam.example": true,
	"app059.intra.fabrikam.example": true,
	"app060.intra.fabrikam.example": true,
	"app061.intra.fabrikam.example": true,
	"app062.intra.fabrikam.example": true,
	"app063.intra.fabrikam.example": true,
	"app064.intra.fabrikam.example": true,
	"app065.intra.fabrikam.example": true,
	"app066.intra.fabrikam.example": true,
	"app067.intra.fabrikam.example": true,
	"app068.intra.fabrikam.example": true,
	"app069.intra.fabrikam.example": true,
	"app070.intra.fabrikam.example": true,
	"app071.intra.fabrikam.example": true,
	"app072.intra.fabrikam.example": true,
	"app073.intra.fabrikam.example": true,
	"app074.intra.fabrikam.example": true,
	"app075.intra.fabrikam.example": true,
	"app076.intra.fabrikam.example": true,
	"app077.intra.fabrikam.example": true,
	"app078.intra.fabrikam.example": true,
	"app079.intra.fabrikam.example": true,
	"app080.intra.fabrikam.example": true,
	"app081.intra.fabrikam.example": true,
	"app082.intra.fabrikam.example": true,
	"app083.intra.fabrikam.example": true,
	"app084.intra.fabrikam.example": true,
	"app085.intra.fabrikam.example": true,
	"app086.intra.fabrikam.example": true,
	"app087.intra.fabrikam.example": true,
	"app088.intra.fabrikam.example": true,
	"app089.intra.fabrikam.example": true,
	"app090.intra.fabrikam.example": true,
	"app091.intra.fabrikam.example": true,
	"app092.intra.fabrikam.example": true,
	"app093.intra.fabrikam.example": true,
	"app094.intra.fabrikam.example": true,
	"app095.intra.fabrikam.example": true,
	"app096.intra.fabrikam.example": true,
	"app097.intra.fabrikam.example": true,
	"app098.intra.fabrikam.example": true,
	"app099.intra.fabrikam.example": true,
	"app100.intra.fabrikam.example": true,
	"app101.intra.fabrikam.example": true,
	"app102.intra.fabrikam.example": true,
	"app103.intra.fabrikam.example": true,
	"app104.intra.fabrikam.example": true,
	"app105.intra.fabrikam.example": true,
	"app106.intra.fabrikam.example": true,
	"app107.intra.fabrikam.example": true,
	"app108.intra.fabrikam.example": true,
	"app109.intra.fabrikam.example": true,
	"app110.intra.fabrikam.example": true,
	"app111.intra.fabrikam.example": true,
	"app112.intra.fabrikam.example": true,
	"app113.intra.fabrikam.example": true,
	"app114.intra.fabrikam.example": true,
	"app115.intra.fabrikam.example": true,
	"app116.intra.fabrikam.example": true,
	"app117.intra.fabrikam.example": true,
	"app118.intra.fabrikam.example": true,
	"app119.intra.fabrikam.example": true,
	"app120.intra.fabrikam.example": true,
	"app121.intra.fabrikam.example": true,
	"app122.intra.fabrikam.example": true,
	"app123.intra.fabrikam.example": true,
	"app124.intra.fabrikam.example": true,
	"app125.intra.fabrikam.example": true,
	"app126.intra.fabrikam.example": true,
	"app127.intra.fabrikam.example": true,
	"app128.intra.fabrikam.example": true,
	"app129.intra.fabrikam.example": true,
	"app130.intra.fabrikam.example": true,
	"app131.intra.fabrikam.example": true,
	"app132.intra.fabrikam.example": true,
	"app133.intra.fabrikam.example": true,
	"app134.intra.fabrikam.example": true,
	"app135.intra.fabrikam.example": true,
	"app136.intra.fabrikam.example": true,
	"app137.intra.fabrikam.example": true,
	"app138.intra.fabrikam.example": true,
	"app139.intra.fabrikam.example": true,
	"app140.intra.fabrikam.example": true,
	"app141.intra.fabrikam.example": true,
	"app142.intra.fabrikam.example": true,
	"app143.intra.fabrikam.example": true,
	"app144.intra.fabrikam.example": true,
	"app145.intra.fabrikam.example": true,
	"app146.intra.fabrikam.example": true,
	"app147.intra.fabrikam.example": true,
	"app148.intra.fabrikam.example": true,
	"app149.intra.fabrikam.example": true,
	"app150.intra.fabrikam.example": true,
	"app151.intra.fabrikam.example": true,
	"app152.intra.fabrikam.example": true,
	"app153.intra.fabrikam.example": true,
	"app154.intra.fabrikam.example": true,
	"app155.intra.fabrikam.example": true,
	"app156.intra.fabrikam.example": true,
	"app157.intra.fabrikam.example": true,
	"app158.intra.fabrikam.example": true,
	"app159.intra.fabrikam.example": true,
	"app160.intra.fabrikam.example": true,
	"app161.intra.fabrikam.example": true,
	"app162.intra.fabrikam.example": true,
	"app163.intra.fabrikam.example": true,
	"app164.intra.fabrikam.example": true,
	"app165.intra.fabrikam.example": true,
	"app166.intra.fabrikam.example": true,
	"app167.intra.fabrikam.example": true,
	"app168.intra.fabrikam.example": true,
	"app169.intra.fabrikam.example": true,
	"app170.intra.fabrikam.example": true,
	"app171.intra.fabrikam.example": true,
	"app172.intra.fabrikam.example": true,
	"app173.intra.fabrikam.example": true,
	"app174.intra.fabrikam.example": true,
	"app175.intra.fabrikam.example": true,
	"app176.intra.fabrikam.example": true,
	"app177.intra.fabrikam.example": true,
	"app178.intra.fabrikam.example": true,
	"app179.intra.fabrikam.example": true,
	"app180.intra.fabrikam.example": true,
	"app181.intra.fabrikam.example": true,
	"app182.intra.fabrikam.example": true,
	"app183.intra.fabrikam.example": true,
	"app184.intra.fabrikam.example": true,
	"app185.intra.fabrikam.example": true,
	"app186.intra.fabrikam.example": true,
	"app187.intra.fabrikam.example": true,
	"app188.intra.fabrikam.example": true,
	"app189.intra.fabrikam.example": true,
	"app190.intra.fabrikam.example": true,
	"app191.intra.fabrikam.example": true,
	"app192.intra.fabrikam.example": true,
	"app193.intra.fabrikam.example": true,
	"app194.intra.fabrikam.example": true,
	"app195.intra.fabrikam.example": true,
	"app196.intra.fabrikam.example": true,
	"app197.intra.fabrikam.example": true,
	"app198.intra.fabrikam.example": true,
	"app199.intra.fabrikam.example": true,
	"app200.intra.fabrikam.example": true,
	"app201.intra.fabrikam.example": true,
	"app202.intra.fabrikam.example": true,
	"app203.intra.fabrikam.example": true,
	"app204.intra.fabrikam.example": true,
	"app205.intra.fabrikam.example": true,
	"app206.intra.fabrikam.example": true,
	"app207.intra.fabrikam.example": true,
	"app208.intra.fabrikam.example": true,
	"app209.intra.fabrikam.example": true,
	"app210.intra.fabrikam.example": true,
	"app211.intra.fabrikam.example": true,
	"app212.intra.fabrikam.example": true,
	"app213.intra.fabrikam.example": true,
	"app214.intra.fabrikam.example": true,
	"app215.intra.fabrikam.example": true,
	"app216.intra.fabrikam.example": true,
	"app217.intra.fabrikam.example": true,
	"app218.intra.fabrikam.example": true,
	"app219.intra.fabrikam.example": true,
	"app220.intra.fabrikam.example": true,
	"app221.intra.fabrikam.example": true,
	"app222.intra.fabrikam.example": true,
	"app223.intra.fabrikam.example": true,
	"app224.intra.fabrikam.example": true,
	"app225.intra.fabrikam.example": true,
	"app226.intra.fabrikam.example": true,
	"app227.intra.fabrikam.example": true,
	"app228.intra.fabrikam.example": true,
	"app229.intra.fabrikam.example": true,
	"app230.intra.fabrikam.example": true,
	"app231.intra.fabrikam.example": true,
	"app232.intra.fabrikam.example": true,
	"app233.intra.fabrikam.example": true,
	"app234.intra.fabrikam.example": true,
	"app235.intra.fabrikam.example": true,
	"app236.intra.fabrikam.example": true,
	"app237.intra.fabrikam.example": true,
	"app238.intra.fabrikam.example": true,
	"app239.intra.fabrikam.example": true,
	"app240.intra.fabrikam.example": true,
	"app241.intra.fabrikam.example": true,
	"app242.intra.fabrikam.example": true,
	"app243.intra.fabrikam.example": true,
	"app244.intra.fabrikam.example": true,
	"app245.intra.fabrikam.example": true,
	"app246.intra.fabrikam.example": true,
	"app247.intra.fabrikam.example": true,
	"app248.intra.fabrikam.example": true,
	"app249.intra.fabrikam.example": true,
	"app250.intra.fabrikam.example": true,
	"app251.intra.fabrikam.example": true,
	"app252.intra.fabrikam.example": true,
	"app253.intra.fabrikam.example": true,
	"app254.intra.fabrikam.example": true,
	"app255.intra.fabrikam.example": true,
	"app256.intra.fabrikam.example": true,
	"app257.intra.fabrikam.example": true,
	"app258.intra.fabrikam.example": true,
	"app259.intra.fabrikam.example": true,
	"app260.intra.fabrikam.example": true,
	"app261.intra.fabrikam.example": true,
	"app262.intra.fabrikam.example": true,
	"app263.intra.fabrikam.example": true,
	"app264.intra.fabrikam.example": true,
	"app265.intra.fabrikam.example": true,
	"app266.intra.fabrikam.example": true,
	"app267.intra.fabrikam.example": true,
	"app268.intra.fabrikam.example": true,
	"app269.intra.fabrikam.example": true,
	"app270.intra.fabrikam.example": true,
	"app271.intra.fabrikam.example": true,
	"app272.intra.fabrikam.example": true,
	"app273.intra.fabrikam.example": true,
	"app274.intra.fabrikam.example": true,
	"app275.intra.fabrikam.example": true,
	"app276.intra.fabrikam.example": true,
	"app277.intra.fabrikam.example": true,
	"app278.intra.fabrikam.example": true,
	"app279.intra.fabrikam.example": true,
	"app280.intra.fabrikam.example": true,
	"app281.intra.fabrikam.example": true,
	"app282.intra.fabrikam.example": true,
	"app283.intra.fabrikam.example": true,
	"app284.intra.fabrikam.example": true,
	"app285.intra.fabrikam.example": true,
	"app286.intra.fabrikam.example": true,
	"app287.intra.fabrikam.example": true,
	"app288.intra.fabrikam.example": true,
	"app289.intra.fabrikam.example": true,
	"app290.intra.fabrikam.example": true,
	"app291.intra.fabrikam.example": true,
	"app292.intra.fabrikam.example": true,
	"app293.intra.fabrikam.example": true,
	"app294.intra.fabrikam.example": true,
	"app295.intra.fabrikam.example": true,
	"app296.intra.fabrikam.example": true,
	"app297.intra.fabrikam.example": true,
	"app298.intra.fabrikam.example": true,
	"app299.intra.fabrikam.example": true,
	"app300.intra.fabrikam.example": true,
	"app301.intra.fabrikam.example": true,
	"app302.intra.fabrikam.example": true,
	"app303.intra.fabrikam.example": true,
	"app304.intra.fabrikam.example": true,
	"app305.intra.fabrikam.example": true,
	"app306.intra.fabrikam.example": true,
	"app307.intra.fabrikam.example": true,
	"app308.intra.fabrikam.example": true,
	"app309.intra.fabrikam.example": true,
	"app310.intra.fabrikam.example": true,
	"app311.intra.fabrikam.example": true,
	"app312.intra.fabrikam.example": true,
	"app313.intra.fabrikam.example": true,
	"app314.intra.fabrikam.example": true,
	"app315.intra.fabrikam.example": true,
	"app316.intra.fabrikam.example": true,
	"app317.intra.fabrikam.example": true,
	"app318.intra.fabrikam.example": true,
	"app319.intra.fabrikam.example": true,
	"app320.intra.fabrikam.example": true,
	"app321.intra.fabrikam.example": true,
	"app322.intra.fabrikam.example": true,
	"app323.intra.fabrikam.example": true,
	"app324.intra.fabrikam.example": true,
	"app325.intra.fabrikam.example": true,
	"app326.intra.fabrikam.example": true,
	"app327.intra.fabrikam.example": true,
	"app328.intra.fabrikam.example": true,
	"app329.intra.fabrikam.example": true,
	"app330.intra.fabrikam.example": true,
	"app331.intra.fabrikam.example": true,
	"app332.intra.fabrikam.example": true,
	"app333.intra.fabrikam.example": true,
	"app334.intra.fabrikam.example": true,
	"app335.intra.fabrikam.example": true,
	"app336.intra.fabrikam.example": true,
	"app337.intra.fabrikam.example": true,
	"app338.intra.fabrikam.example": true,
	"app339.intra.fabrikam.example": true,
	"app340.intra.fabrikam.example": true,
	"app341.intra.fabrikam.example": true,
	"app342.intra.fabrikam.example": true,
	"app343.intra.fabrikam.example": true,
	"app344.intra.fabrikam.example": true,
	"app345.intra.fabrikam.example": true,
	"app346.intra.fabrikam.example": true,
	"app347.intra.fabrikam.example": true,
	"app348.intra.fabrikam.example": true,
	"app349.intra.fabrikam.example": true,
	"app350.intra.fabrikam.example": true,
	"app351.intra.fabrikam.example": true,
	"app352.intra.fabrikam.example": true,
	"app353.intra.fabrikam.example": true,
	"app354.intra.fabrikam.example": true,
	"app355.intra.fabrikam.example": true,
	"app356.intra.fabrikam.example": true,
	"app357.intra.fabrikam.example": true,
	"app358.intra.fabrikam.example": true,
	"app359.intra.fabrikam.example": true,
	"app360.intra.fabrikam.example": true,
	"app361.intra.fabrikam.example": true,
	"app362.intra.fabrikam.example": true,
	"app363.intra.fabrikam.example": true,
	"app364.intra.fabrikam.example": true,
	"app365.intra.fabrikam.example": true,
	"app366.intra.fabrikam.example": true,
	"app367.intra.fabrikam.example": true,
	"app368.intra.fabrikam.example": true,
	"app369.intra.fabrikam.example": true,
	"app370.intra.fabrikam.example": true,
	"app371.intra.fabrikam.example": true,
	"app372.intra.fabrikam.example": true,
	"app373.intra.fabrikam.example": true,
	"app374.intra.fabrikam.example": true,
	"app375.intra.fabrikam.example": true,
	"app376.intra.fabrikam.example": true,
	"app377.intra.fabrikam.example": true,
	"app378.intra.fabrikam.example": true,
	"app379.intra.fabrikam.example": true,
	"app380.intra.fabrikam.example": true,
	"app381.intra.fabrikam.example": true,
	"app382.intra.fabrikam.example": true,
	"app383.intra.fabrikam.example": true,
	"app384.intra.fabrikam.example": true,
	"app385.intra.fabrikam.example": true,
	"app386.intra.fabrikam.example": true,
	"app387.intra.fabrikam.example": true,
	"app388.intra.fabrikam.example": true,
	"app389.intra.fabrikam.example": true,
	"app390.intra.fabrikam.example": true,
	"app391.intra.fabrikam.example": true,
	"app392.intra.fabrikam.example": true,
	"app393.intra.fabrikam.example": true,
	"app394.intra.fabrikam.example": true,
	"app395.intra.fabrikam.example": true,
	"app396.intra.fabrikam.example": true,
	"app397.intra.fabrikam.example": true,
	"app398.intra.fabrikam.example": true,
	"app399.intra.fabrikam.example": true,
	"app400.intra.fabrikam.example": true,
	"app401.intra.fabrikam.example": true,
	"app402.intra.fabrikam.example": true,
	"app403.intra.fabrikam.example": true,
	"app404.intra.fabrikam.example": true,
	"app405.intra.fabrikam.example": true,
	"app406.intra.fabrikam.example": true,
	"app407.intra.fabrikam.example": true,
	"app408.intra.fabrikam.example": true,
	"app409.intra.fabrikam.example": true,
	"app410.intra.fabrikam.example": true,
	"app411.intra.fabrikam.example": true,
	"app412.intra.fabrikam.example": true,
	"app413.intra.fabrikam.example": true,
	"app414.intra.fabrikam.example": true,
	"app415.intra.fabrikam.example": true,
	"app416.intra.fabrikam.example": true,
	"app417.intra.fabrikam.example": true,
	"app418.intra.fabrikam.example": true,
	"app419.intra.fabrikam.example": true,
	"app420.intra.fabrikam.example": true,
	"app421.intra.fabrikam.example": true,
	"app422.intra.fabrikam.example": true,
	"app423.intra.fabrikam.example": true,
	"app424.intra.fabrikam.example": true,
	"app425.intra.fabrikam.example": true,
	"app426.intra.fabrikam.example": true,
	"app427.intra.fabrikam.example": true,
	"app428.intra.fabrikam.example": true,
	"app429.intra.fabrikam.example": true,
	"app430.intra.fabrikam.example": true,
	"app431.intra.fabrikam.example": true,
	"app432.intra.fabrikam.example": true,
	"app433.intra.fabrikam.example": true,
	"app434.intra.fabrikam.example": true,
	"app435.intra.fabrikam.example": true,
	"app436.intra.fabrikam.example": true,
	"app437.intra.fabrikam.example": true,
	"app438.intra.fabrikam.example": true,
	"app439.intra.fabrikam.example": true,
	"app440.intra.fabrikam.example": true,
	"app441.intra.fabrikam.example": true,
	"app442.intra.fabrikam.example": true,
	"app443.intra.fabrikam.example": true,
	"app444.intra.fabrikam.example": true,
	"app445.intra.fabrikam.example": true,
	"app446.intra.fabrikam.example": true,
	"app447.intra.fabrikam.example": true,
	"app448.intra.fabrikam.example": true,
	"app449.intra.fabrikam.example": true,
	"app450.intra.fabrikam.example": true,
	"app451.intra.fabrikam.example": true,
	"app452.intra.fabrikam.example": true,
	"app453.intra.fabrikam.example": true,
	"app454.intra.fabrikam.example": true,
	"app455.intra.fabrikam.example": true,
	"app456.intra.fabrikam.example": true,
	"app457.intra.fabrikam.example": true,
	"app458.intra.fabrikam.example": true,
	"app459.intra.fabrikam.example": true,
	"app460.intra.fabrikam.example": true,
	"app461.intra.fabrikam.example": true,
	"app462.intra.fabrikam.example": true,
	"app463.intra.fabrikam.example": true,
	"app464.intra.fabrikam.example": true,
	"app465.intra.fabrikam.example": true,
	"app466.intra.fabrikam.example": true,
	"app467.intra.fabrikam.example": true,
	"app468.intra.fabrikam.example": true,
	"app469.intra.fabrikam.example": true,
	"app470.intra.fabrikam.example": true,
	"app471.intra.fabrikam.example": true,
	"app472.intra.fabrikam.example": true,
	"app473.intra.fabrikam.example": true,
	"app474.intra.fabrikam.example": true,
	"app475.intra.fabrikam.example": true,
	"app476.intra.fabrikam.example": true,
	"app477.intra.fabrikam.example": true,
	"app478.intra.fabrikam.example": true,
	"app479.intra.fabrikam.example": true,
	"app480.intra.fabrikam.example": true,
	"app481.intra.fabrikam.example": true,
	"app482.intra.fabrikam.example": true,
	"app483.intra.fabrikam.example": true,
	"app484.intra.fabrikam.example": true,
	"app485.intra.fabrikam.example": true,
	"app486.intra.fabrikam.example": true,
	"app487.intra.fabrikam.example": true,
	"app488.intra.fabrikam.example": true,
	"app489.intra.fabrikam.example": true,
	"app490.intra.fabrikam.example": true,
	"app491.intra.fabrikam.example": true,
	"app492.intra.fabrikam.example": true,
	"app493.intra.fabrikam.example": true,
	"app494.intra.fabrikam.example": true,
	"app495.intra.fabrikam.example": true,
	"app496.intra.fabrikam.example": true,
	"app497.intra.fabrikam.example": true,
	"app498.intra.fabrikam.example": true,
	"app499.intra.fabrikam.example": true
};

var directNets = [
	["10.0.0.0", "255.255.255.0"],
	["10.0.16.0", "255.255.255.0"],
	["10.0.32.0", "255.255.255.0"],
	["10.0.48.0", "255.255.255.0"],
	["10.0.64.0", "255.255.255.0"],
	["10.0.80.0", "255.255.255.0"],
	["10.0.96.0", "255.255.255.0"],
	["10.0.112.0", "255.255.255.0"],
	["10.0.128.0", "255.255.255.0"],
	["10.0.144.0", "255.255.255.0"],
	["10.0.160.0", "255.255.255.0"],
	["10.0.176.0", "255.255.255.0"],
	["10.0.192.0", "255.255.255.0"],
	["10.0.208.0", "255.255.255.0"],
	["10.0.224.0", "255.255.255.0"],
	["10.0.240.0", "255.255.255.0"],
	["10.1.0.0", "255.255.255.0"],
	["10.1.16.0", "255.255.255.0"],
	["10.1.32.0", "255.255.255.0"],
	["10.1.48.0", "255.255.255.0"],
	["10.1.64.0", "255.255.255.0"],
	["10.1.80.0", "255.255.255.0"],
	["10.1.96.0", "255.255.255.0"],
	["10.1.112.0", "255.255.255.0"],
	["10.1.128.0", "255.255.255.0"],
	["10.1.144.0", "255.255.255.0"],
	["10.1.160.0", "255.255.255.0"],
	["10.1.176.0", "255.255.255.0"],
	["10.1.192.0", "255.255.255.0"],
	["10.1.208.0", "255.255.255.0"],
	["10.1.224.0", "255.255.255.0"],
	["10.1.240.0", "255.255.255.0"],
	["10.2.0.0", "255.255.255.0"],
	["10.2.16.0", "255.255.255.0"],
	["10.2.32.0", "255.255.255.0"],
	["10.2.48.0", "255.255.255.0"],
	["10.2.64.0", "255.255.255.0"],
	["10.2.80.0", "255.255.255.0"],
	["10.2.96.0", "255.255.255.0"],
	["10.2.112.0", "255.255.255.0"],
	["10.2.128.0", "255.255.255.0"],
	["10.2.144.0", "255.255.255.0"],
	["10.2.160.0", "255.255.255.0"],
	["10.2.176.0", "255.255.255.0"],
	["10.2.192.0", "255.255.255.0"],
	["10.2.208.0", "255.255.255.0"],
	["10.2.224.0", "255.255.255.0"],
	["10.2.240.0", "255.255.255.0"],
	["10.3.0.0", "255.255.255.0"],
	["10.3.16.0", "255.255.255.0"],
	["10.3.32.0", "255.255.255.0"],
	["10.3.48.0", "255.255.255.0"],
	["10.3.64.0", "255.255.255.0"],
	["10.3.80.0", "255.255.255.0"],
	["10.3.96.0", "255.255.255.0"],
	["10.3.112.0", "255.255.255.0"],
	["10.3.128.0", "255.255.255.0"],
	["10.3.144.0", "255.255.255.0"],
	["10.3.160.0", "255.255.255.0"],
	["10.3.176.0", "255.255.255.0"],
	["10.3.192.0", "255.255.255.0"],
	["10.3.208.0", "255.255.255.0"],
	["10.3.224.0", "255.255.255.0"],
	["10.3.240.0", "255.255.255.0"],
	["10.4.0.0", "255.255.255.0"],
	["10.4.16.0", "255.255.255.0"],
	["10.4.32.0", "255.255.255.0"],
	["10.4.48.0", "255.255.255.0"],
	["10.4.64.0", "255.255.255.0"],
	["10.4.80.0", "255.255.255.0"],
	["10.4.96.0", "255.255.255.0"],
	["10.4.112.0", "255.255.255.0"],
	["10.4.128.0", "255.255.255.0"],
	["10.4.144.0", "255.255.255.0"],
	["10.4.160.0", "255.255.255.0"],
	["10.4.176.0", "255.255.255.0"],
	["10.4.192.0", "255.255.255.0"],
	["10.4.208.0", "255.255.255.0"],
	["10.4.224.0", "255.255.255.0"],
	["10.4.240.0", "255.255.255.0"],
	["10.5.0.0", "255.255.255.0"],
	["10.5.16.0", "255.255.255.0"],
	["10.5.32.0", "255.255.255.0"],
	["10.5.48.0", "255.255.255.0"],
	["10.5.64.0", "255.255.255.0"],
	["10.5.80.0", "255.255.255.0"],
	["10.5.96.0", "255.255.255.0"],
	["10.5.112.0", "255.255.255.0"],
	["10.5.128.0", "255.255.255.0"],
	["10.5.144.0", "255.255.255.0"],
	["10.5.160.0", "255.255.255.0"],
	["10.5.176.0", "255.255.255.0"],
	["10.5.192.0", "255.255.255.0"],
	["10.5.208.0", "255.255.255.0"],
	["10.5.224.0", "255.255.255.0"],
	["10.5.240.0", "255.255.255.0"],
	["10.6.0.0", "255.255.255.0"],
	["10.6.16.0", "255.255.255.0"],
	["10.6.32.0", "255.255.255.0"],
	["10.6.48.0", "255.255.255.0"],
	["10.6.64.0", "255.255.255.0"],
	["10.6.80.0", "255.255.255.0"],
	["10.6.96.0", "255.255.255.0"],
	["10.6.112.0", "255.255.255.0"],
	["10.6.128.0", "255.255.255.0"],
	["10.6.144.0", "255.255.255.0"],
	["10.6.160.0", "255.255.255.0"],
	["10.6.176.0", "255.255.255.0"],
	["10.6.192.0", "255.255.255.0"],
	["10.6.208.0", "255.255.255.0"],
	["10.6.224.0", "255.255.255.0"],
	["10.6.240.0", "255.255.255.0"],
	["10.7.0.0", "255.255.255.0"],
	["10.7.16.0", "255.255.255.0"],
	["10.7.32.0", "255.255.255.0"],
	["10.7.48.0", "255.255.255.0"],
	["10.7.64.0", "255.255.255.0"],
	["10.7.80.0", "255.255.255.0"],
	["10.7.96.0", "255.255.255.0"],
	["10.7.112.0", "255.255.255.0"],
	["10.7.128.0", "255.255.255.0"],
	["10.7.144.0", "255.255.255.0"],
	["10.7.160.0", "255.255.255.0"],
	["10.7.176.0", "255.255.255.0"],
	["10.7.192.0", "255.255.255.0"],
	["10.7.208.0", "255.255.255.0"],
	["10.7.224.0", "255.255.255.0"],
	["10.7.240.0", "255.255.255.0"],
	["10.8.0.0", "255.255.255.0"],
	["10.8.16.0", "255.255.255.0"],
	["10.8.32.0", "255.255.255.0"],
	["10.8.48.0", "255.255.255.0"],
	["10.8.64.0", "255.255.255.0"],
	["10.8.80.0", "255.255.255.0"],
	["10.8.96.0", "255.255.255.0"],
	["10.8.112.0", "255.255.255.0"],
	["10.8.128.0", "255.255.255.0"],
	["10.8.144.0", "255.255.255.0"],
	["10.8.160.0", "255.255.255.0"],
	["10.8.176.0", "255.255.255.0"],
	["10.8.192.0", "255.255.255.0"],
	["10.8.208.0", "255.255.255.0"],
	["10.8.224.0", "255.255.255.0"],
	["10.8.240.0", "255.255.255.0"],
	["10.9.0.0", "255.255.255.0"],
	["10.9.16.0", "255.255.255.0"],
	["10.9.32.0", "255.255.255.0"],
	["10.9.48.0", "255.255.255.0"],
	["10.9.64.0", "255.255.255.0"],
	["10.9.80.0", "255.255.255.0"],
	["10.9.96.0", "255.255.255.0"],
	["10.9.112.0", "255.255.255.0"],
	["10.9.128.0", "255.255.255.0"],
	["10.9.144.0", "255.255.255.0"],
	["10.9.160.0", "255.255.255.0"],
	["10.9.176.0", "255.255.255.0"],
	["10.9.192.0", "255.255.255.0"],
	["10.9.208.0", "255.255.255.0"],
	["10.9.224.0", "255.255.255.0"],
	["10.9.240.0", "255.255.255.0"],
	["10.10.0.0", "255.255.255.0"],
	["10.10.16.0", "255.255.255.0"],
	["10.10.32.0", "255.255.255.0"],
	["10.10.48.0", "255.255.255.0"],
	["10.10.64.0", "255.255.255.0"],
	["10.10.80.0", "255.255.255.0"],
	["10.10.96.0", "255.255.255.0"],
	["10.10.112.0", "255.255.255.0"],
	["10.10.128.0", "255.255.255.0"],
	["10.10.144.0", "255.255.255.0"],
	["10.10.160.0", "255.255.255.0"],
	["10.10.176.0", "255.255.255.0"],
	["10.10.192.0", "255.255.255.0"],
	["10.10.208.0", "255.255.255.0"],
	["10.10.224.0", "255.255.255.0"],
	["10.10.240.0", "255.255.255.0"],
	["10.11.0.0", "255.255.255.0"],
	["10.11.16.0", "255.255.255.0"],
	["10.11.32.0", "255.255.255.0"],
	["10.11.48.0", "255.255.255.0"],
	["10.11.64.0", "255.255.255.0"],
	["10.11.80.0", "255.255.255.0"],
	["10.11.96.0", "255.255.255.0"],
	["10.11.112.0", "255.255.255.0"],
	["10.11.128.0", "255.255.255.0"],
	["10.11.144.0", "255.255.255.0"],
	["10.11.160.0", "255.255.255.0"],
	["10.11.176.0", "255.255.255.0"],
	["10.11.192.0", "255.255.255.0"],
	["10.11.208.0", "255.255.255.0"],
	["10.11.224.0", "255.255.255.0"],
	["10.11.240.0", "255.255.255.0"],
	["10.12.0.0", "255.255.255.0"],
	["10.12.16.0", "255.255.255.0"],
	["10.12.32.0", "255.255.255.0"],
	["10.12.48.0", "255.255.255.0"],
	["10.12.64.0", "255.255.255.0"],
	["10.12.80.0", "255.255.255.0"],
	["10.12.96.0", "255.255.255.0"],
	["10.12.112.0", "255.255.255.0"],
	["10.12.128.0", "255.255.255.0"],
	["10.12.144.0", "255.255.255.0"],
	["10.12.160.0", "255.255.255.0"],
	["10.12.176.0", "255.255.255.0"],
	["10.12.192.0", "255.255.255.0"],
	["10.12.208.0", "255.255.255.0"],
	["10.12.224.0", "255.255.255.0"],
	["10.12.240.0", "255.255.255.0"],
	["10.13.0.0", "255.255.255.0"],
	["10.13.16.0", "255.255.255.0"],
	["10.13.32.0", "255.255.255.0"],
	["10.13.48.0", "255.255.255.0"],
	["10.13.64.0", "255.255.255.0"],
	["10.13.80.0", "255.255.255.0"],
	["10.13.96.0", "255.255.255.0"],
	["10.13.112.0", "255.255.255.0"],
	["10.13.128.0", "255.255.255.0"],
	["10.13.144.0", "255.255.255.0"],
	["10.13.160.0", "255.255.255.0"],
	["10.13.176.0", "255.255.255.0"],
	["10.13.192.0", "255.255.255.0"],
	["10.13.208.0", "255.255.255.0"],
	["10.13.224.0", "255.255.255.0"],
	["10.13.240.0", "255.255.255.0"],
	["10.14.0.0", "255.255.255.0"],
	["10.14.16.0", "255.255.255.0"],
	["10.14.32.0", "255.255.255.0"],
	["10.14.48.0", "255.255.255.0"],
	["10.14.64.0", "255.255.255.0"],
	["10.14.80.0", "255.255.255.0"],
	["10.14.96.0", "255.255.255.0"],
	["10.14.112.0", "255.255.255.0"],
	["10.14.128.0", "255.255.255.0"],
	["10.14.144.0", "255.255.255.0"],
	["10.14.160.0", "255.255.255.0"],
	["10.14.176.0", "255.255.255.0"],
	["10.14.192.0", "255.255.255.0"],
	["10.14.208.0", "255.255.255.0"],
	["10.14.224.0", "255.255.255.0"],
	["10.14.240.0", "255.255.255.0"],
	["10.15.0.0", "255.255.255.0"],
	["10.15.16.0", "255.255.255.0"],
	["10.15.32.0", "255.255.255.0"],
	["10.15.48.0", "255.255.255.0"],
	["10.15.64.0", "255.255.255.0"],
	["10.15.80.0", "255.255.255.0"],
	["10.15.96.0", "255.255.255.0"],
	["10.15.112.0", "255.255.255.0"],
	["10.15.128.0", "255.255.255.0"],
	["10.15.144.0", "255.255.255.0"],
	["10.15.160.0", "255.255.255.0"],
	["10.15.176.0", "255.255.255.0"],
	["10.15.192.0", "255.255.255.0"],
	["10.15.208.0", "255.255.255.0"],
	["10.15.224.0", "255.255.255.0"],
	["10.15.240.0", "255.255.255.0"],
	["10.16.0.0", "255.255.255.0"],
	["10.16.16.0", "255.255.255.0"],
	["10.16.32.0", "255.255.255.0"],
	["10.16.48.0", "255.255.255.0"],
	["10.16.64.0", "255.255.255.0"],
	["10.16.80.0", "255.255.255.0"],
	["10.16.96.0", "255.255.255.0"],
	["10.16.112.0", "255.255.255.0"],
	["10.16.128.0", "255.255.255.0"],
	["10.16.144.0", "255.255.255.0"],
	["10.16.160.0", "255.255.255.0"],
	["10.16.176.0", "255.255.255.0"],
	["10.16.192.0", "255.255.255.0"],
	["10.16.208.0", "255.255.255.0"],
	["10.16.224.0", "255.255.255.0"],
	["10.16.240.0", "255.255.255.0"],
	["10.17.0.0", "255.255.255.0"],
	["10.17.16.0", "255.255.255.0"],
	["10.17.32.0", "255.255.255.0"],
	["10.17.48.0", "255.255.255.0"],
	["10.17.64.0", "255.255.255.0"],
	["10.17.80.0", "255.255.255.0"],
	["10.17.96.0", "255.255.255.0"],
	["10.17.112.0", "255.255.255.0"],
	["10.17.128.0", "255.255.255.0"],
	["10.17.144.0", "255.255.255.0"],
	["10.17.160.0", "255.255.255.0"],
	["10.17.176.0", "255.255.255.0"],
	["10.17.192.0", "255.255.255.0"],
	["10.17.208.0", "255.255.255.0"],
	["10.17.224.0", "255.255.255.0"],
	["10.17.240.0", "255.255.255.0"],
	["10.18.0.0", "255.255.255.0"],
	["10.18.16.0", "255.255.255.0"],
	["10.18.32.0", "255.255.255.0"],
	["10.18.48.0", "255.255.255.0"],
	["10.18.64.0", "255.255.255.0"],
	["10.18.80.0", "255.255.255.0"],
	["10.18.96.0", "255.255.255.0"],
	["10.18.112.0", "255.255.255.0"],
	["10.18.128.0", "255.255.255.0"],
	["10.18.144.0", "255.255.255.0"],
	["10.18.160.0", "255.255.255.0"],
	["10.18.176.0", "255.255.255.0"]
];

var vendorRules = [
	["*.vendor000.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor001.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor002.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor003.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor004.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor005.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor006.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor007.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor008.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor009.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor010.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor011.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor012.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor013.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor014.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor015.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor016.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor017.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor018.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor019.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor020.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor021.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor022.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor023.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor024.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor025.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor026.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor027.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor028.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor029.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor030.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor031.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor032.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor033.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor034.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor035.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor036.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor037.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor038.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor039.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor040.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor041.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor042.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor043.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor044.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor045.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor046.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor047.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor048.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor049.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor050.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor051.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor052.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor053.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor054.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor055.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor056.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor057.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor058.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor059.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor060.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor061.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor062.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor063.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor064.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor065.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor066.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor067.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor068.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor069.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor070.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor071.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor072.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor073.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor074.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor075.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor076.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor077.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor078.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor079.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor080.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor081.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor082.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor083.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor084.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor085.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor086.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor087.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor088.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor089.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor090.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor091.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor092.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor093.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor094.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor095.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor096.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor097.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor098.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor099.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor100.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor101.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor102.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor103.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor104.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor105.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor106.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor107.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor108.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor109.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor110.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor111.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor112.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor113.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor114.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor115.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor116.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor117.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor118.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor119.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor120.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor121.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor122.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor123.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor124.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor125.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor126.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor127.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor128.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor129.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor130.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor131.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor132.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor133.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor134.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor135.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor136.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor137.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor138.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor139.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor140.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor141.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor142.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor143.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor144.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor145.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor146.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor147.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor148.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor149.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor150.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor151.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor152.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor153.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor154.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor155.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor156.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor157.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor158.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor159.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor160.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor161.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor162.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor163.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor164.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor165.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor166.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor167.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor168.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor169.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor170.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor171.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor172.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor173.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor174.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor175.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor176.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor177.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor178.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor179.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor180.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor181.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor182.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor183.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor184.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor185.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor186.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor187.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor188.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor189.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor190.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor191.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor192.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor193.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor194.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor195.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor196.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor197.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor198.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor199.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor200.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor201.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor202.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor203.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor204.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor205.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor206.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor207.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor208.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor209.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor210.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor211.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor212.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor213.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor214.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor215.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor216.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor217.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor218.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor219.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor220.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor221.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor222.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor223.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor224.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor225.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor226.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor227.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor228.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor229.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor230.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor231.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor232.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor233.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor234.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor235.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor236.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor237.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor238.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor239.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor240.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor241.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor242.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor243.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor244.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor245.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor246.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor247.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor248.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor249.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor250.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor251.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor252.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor253.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor254.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor255.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor256.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor257.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor258.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor259.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor260.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor261.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor262.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor263.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor264.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor265.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor266.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor267.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor268.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor269.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor270.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor271.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor272.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor273.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor274.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor275.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor276.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor277.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor278.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor279.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor280.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor281.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor282.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor283.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor284.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor285.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor286.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor287.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor288.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor289.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor290.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor291.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor292.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor293.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor294.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor295.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor296.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor297.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor298.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor299.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor300.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor301.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor302.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor303.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor304.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor305.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor306.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor307.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor308.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor309.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor310.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor311.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor312.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor313.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor314.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor315.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor316.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor317.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor318.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor319.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor320.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor321.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor322.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor323.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor324.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor325.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor326.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor327.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor328.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor329.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor330.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor331.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor332.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor333.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor334.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor335.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor336.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor337.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor338.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor339.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor340.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor341.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor342.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor343.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor344.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor345.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor346.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor347.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor348.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor349.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor350.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor351.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor352.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor353.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor354.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor355.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor356.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor357.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor358.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor359.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor360.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor361.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor362.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor363.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor364.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor365.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor366.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor367.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor368.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor369.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor370.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor371.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor372.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor373.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor374.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor375.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor376.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor377.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor378.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor379.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor380.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor381.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor382.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor383.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor384.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor385.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor386.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor387.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor388.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor389.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor390.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor391.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor392.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor393.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor394.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor395.example", "PROXY vp3.fabrikam.example:8080"],
	["*.vendor396.example", "PROXY vp0.fabrikam.example:8080"],
	["*.vendor397.example", "PROXY vp1.fabrikam.example:8080"],
	["*.vendor398.example", "PROXY vp2.fabrikam.example:8080"],
	["*.vendor399.example", "PROXY vp3.fabrikam.example:8080"]
];

function regionalProxy(host) {
	if (dnsDomainIs(host, ".region000.fabrikam.example"))
		return "PROXY px00.region000.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region001.fabrikam.example"))
		return "PROXY px01.region001.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region002.fabrikam.example"))
		return "PROXY px02.region002.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region003.fabrikam.example"))
		return "PROXY px03.region003.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region004.fabrikam.example"))
		return "PROXY px04.region004.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region005.fabrikam.example"))
		return "PROXY px05.region005.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region006.fabrikam.example"))
		return "PROXY px06.region006.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region007.fabrikam.example"))
		return "PROXY px07.region007.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region008.fabrikam.example"))
		return "PROXY px08.region008.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region009.fabrikam.example"))
		return "PROXY px09.region009.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region010.fabrikam.example"))
		return "PROXY px10.region010.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region011.fabrikam.example"))
		return "PROXY px11.region011.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region012.fabrikam.example"))
		return "PROXY px12.region012.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region013.fabrikam.example"))
		return "PROXY px13.region013.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region014.fabrikam.example"))
		return "PROXY px14.region014.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region015.fabrikam.example"))
		return "PROXY px15.region015.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region016.fabrikam.example"))
		return "PROXY px16.region016.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region017.fabrikam.example"))
		return "PROXY px17.region017.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region018.fabrikam.example"))
		return "PROXY px18.region018.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region019.fabrikam.example"))
		return "PROXY px19.region019.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region020.fabrikam.example"))
		return "PROXY px20.region020.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region021.fabrikam.example"))
		return "PROXY px21.region021.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region022.fabrikam.example"))
		return "PROXY px22.region022.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region023.fabrikam.example"))
		return "PROXY px23.region023.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region024.fabrikam.example"))
		return "PROXY px24.region024.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region025.fabrikam.example"))
		return "PROXY px25.region025.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region026.fabrikam.example"))
		return "PROXY px26.region026.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region027.fabrikam.example"))
		return "PROXY px27.region027.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region028.fabrikam.example"))
		return "PROXY px28.region028.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region029.fabrikam.example"))
		return "PROXY px29.region029.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region030.fabrikam.example"))
		return "PROXY px30.region030.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region031.fabrikam.example"))
		return "PROXY px31.region031.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region032.fabrikam.example"))
		return "PROXY px32.region032.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region033.fabrikam.example"))
		return "PROXY px33.region033.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region034.fabrikam.example"))
		return "PROXY px34.region034.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region035.fabrikam.example"))
		return "PROXY px35.region035.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region036.fabrikam.example"))
		return "PROXY px36.region036.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region037.fabrikam.example"))
		return "PROXY px37.region037.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region038.fabrikam.example"))
		return "PROXY px38.region038.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region039.fabrikam.example"))
		return "PROXY px39.region039.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region040.fabrikam.example"))
		return "PROXY px40.region040.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region041.fabrikam.example"))
		return "PROXY px41.region041.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region042.fabrikam.example"))
		return "PROXY px42.region042.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region043.fabrikam.example"))
		return "PROXY px43.region043.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region044.fabrikam.example"))
		return "PROXY px44.region044.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region045.fabrikam.example"))
		return "PROXY px45.region045.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region046.fabrikam.example"))
		return "PROXY px46.region046.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region047.fabrikam.example"))
		return "PROXY px47.region047.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region048.fabrikam.example"))
		return "PROXY px48.region048.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region049.fabrikam.example"))
		return "PROXY px49.region049.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region050.fabrikam.example"))
		return "PROXY px00.region050.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region051.fabrikam.example"))
		return "PROXY px01.region051.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region052.fabrikam.example"))
		return "PROXY px02.region052.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region053.fabrikam.example"))
		return "PROXY px03.region053.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region054.fabrikam.example"))
		return "PROXY px04.region054.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region055.fabrikam.example"))
		return "PROXY px05.region055.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region056.fabrikam.example"))
		return "PROXY px06.region056.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region057.fabrikam.example"))
		return "PROXY px07.region057.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region058.fabrikam.example"))
		return "PROXY px08.region058.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region059.fabrikam.example"))
		return "PROXY px09.region059.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region060.fabrikam.example"))
		return "PROXY px10.region060.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region061.fabrikam.example"))
		return "PROXY px11.region061.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region062.fabrikam.example"))
		return "PROXY px12.region062.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region063.fabrikam.example"))
		return "PROXY px13.region063.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region064.fabrikam.example"))
		return "PROXY px14.region064.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region065.fabrikam.example"))
		return "PROXY px15.region065.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region066.fabrikam.example"))
		return "PROXY px16.region066.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region067.fabrikam.example"))
		return "PROXY px17.region067.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region068.fabrikam.example"))
		return "PROXY px18.region068.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region069.fabrikam.example"))
		return "PROXY px19.region069.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region070.fabrikam.example"))
		return "PROXY px20.region070.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region071.fabrikam.example"))
		return "PROXY px21.region071.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region072.fabrikam.example"))
		return "PROXY px22.region072.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region073.fabrikam.example"))
		return "PROXY px23.region073.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region074.fabrikam.example"))
		return "PROXY px24.region074.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region075.fabrikam.example"))
		return "PROXY px25.region075.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region076.fabrikam.example"))
		return "PROXY px26.region076.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region077.fabrikam.example"))
		return "PROXY px27.region077.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region078.fabrikam.example"))
		return "PROXY px28.region078.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region079.fabrikam.example"))
		return "PROXY px29.region079.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region080.fabrikam.example"))
		return "PROXY px30.region080.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region081.fabrikam.example"))
		return "PROXY px31.region081.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region082.fabrikam.example"))
		return "PROXY px32.region082.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region083.fabrikam.example"))
		return "PROXY px33.region083.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region084.fabrikam.example"))
		return "PROXY px34.region084.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region085.fabrikam.example"))
		return "PROXY px35.region085.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region086.fabrikam.example"))
		return "PROXY px36.region086.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region087.fabrikam.example"))
		return "PROXY px37.region087.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region088.fabrikam.example"))
		return "PROXY px38.region088.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region089.fabrikam.example"))
		return "PROXY px39.region089.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region090.fabrikam.example"))
		return "PROXY px40.region090.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region091.fabrikam.example"))
		return "PROXY px41.region091.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region092.fabrikam.example"))
		return "PROXY px42.region092.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region093.fabrikam.example"))
		return "PROXY px43.region093.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region094.fabrikam.example"))
		return "PROXY px44.region094.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region095.fabrikam.example"))
		return "PROXY px45.region095.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region096.fabrikam.example"))
		return "PROXY px46.region096.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region097.fabrikam.example"))
		return "PROXY px47.region097.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region098.fabrikam.example"))
		return "PROXY px48.region098.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region099.fabrikam.example"))
		return "PROXY px49.region099.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region100.fabrikam.example"))
		return "PROXY px00.region100.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region101.fabrikam.example"))
		return "PROXY px01.region101.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region102.fabrikam.example"))
		return "PROXY px02.region102.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region103.fabrikam.example"))
		return "PROXY px03.region103.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region104.fabrikam.example"))
		return "PROXY px04.region104.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region105.fabrikam.example"))
		return "PROXY px05.region105.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region106.fabrikam.example"))
		return "PROXY px06.region106.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region107.fabrikam.example"))
		return "PROXY px07.region107.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region108.fabrikam.example"))
		return "PROXY px08.region108.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region109.fabrikam.example"))
		return "PROXY px09.region109.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region110.fabrikam.example"))
		return "PROXY px10.region110.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region111.fabrikam.example"))
		return "PROXY px11.region111.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region112.fabrikam.example"))
		return "PROXY px12.region112.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region113.fabrikam.example"))
		return "PROXY px13.region113.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region114.fabrikam.example"))
		return "PROXY px14.region114.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region115.fabrikam.example"))
		return "PROXY px15.region115.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region116.fabrikam.example"))
		return "PROXY px16.region116.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region117.fabrikam.example"))
		return "PROXY px17.region117.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region118.fabrikam.example"))
		return "PROXY px18.region118.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region119.fabrikam.example"))
		return "PROXY px19.region119.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region120.fabrikam.example"))
		return "PROXY px20.region120.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region121.fabrikam.example"))
		return "PROXY px21.region121.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region122.fabrikam.example"))
		return "PROXY px22.region122.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region123.fabrikam.example"))
		return "PROXY px23.region123.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region124.fabrikam.example"))
		return "PROXY px24.region124.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region125.fabrikam.example"))
		return "PROXY px25.region125.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region126.fabrikam.example"))
		return "PROXY px26.region126.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region127.fabrikam.example"))
		return "PROXY px27.region127.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region128.fabrikam.example"))
		return "PROXY px28.region128.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region129.fabrikam.example"))
		return "PROXY px29.region129.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region130.fabrikam.example"))
		return "PROXY px30.region130.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region131.fabrikam.example"))
		return "PROXY px31.region131.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region132.fabrikam.example"))
		return "PROXY px32.region132.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region133.fabrikam.example"))
		return "PROXY px33.region133.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region134.fabrikam.example"))
		return "PROXY px34.region134.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region135.fabrikam.example"))
		return "PROXY px35.region135.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region136.fabrikam.example"))
		return "PROXY px36.region136.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region137.fabrikam.example"))
		return "PROXY px37.region137.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region138.fabrikam.example"))
		return "PROXY px38.region138.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region139.fabrikam.example"))
		return "PROXY px39.region139.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region140.fabrikam.example"))
		return "PROXY px40.region140.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region141.fabrikam.example"))
		return "PROXY px41.region141.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region142.fabrikam.example"))
		return "PROXY px42.region142.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region143.fabrikam.example"))
		return "PROXY px43.region143.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region144.fabrikam.example"))
		return "PROXY px44.region144.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region145.fabrikam.example"))
		return "PROXY px45.region145.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region146.fabrikam.example"))
		return "PROXY px46.region146.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region147.fabrikam.example"))
		return "PROXY px47.region147.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region148.fabrikam.example"))
		return "PROXY px48.region148.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region149.fabrikam.example"))
		return "PROXY px49.region149.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region150.fabrikam.example"))
		return "PROXY px00.region150.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region151.fabrikam.example"))
		return "PROXY px01.region151.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region152.fabrikam.example"))
		return "PROXY px02.region152.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region153.fabrikam.example"))
		return "PROXY px03.region153.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region154.fabrikam.example"))
		return "PROXY px04.region154.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region155.fabrikam.example"))
		return "PROXY px05.region155.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region156.fabrikam.example"))
		return "PROXY px06.region156.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region157.fabrikam.example"))
		return "PROXY px07.region157.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region158.fabrikam.example"))
		return "PROXY px08.region158.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region159.fabrikam.example"))
		return "PROXY px09.region159.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region160.fabrikam.example"))
		return "PROXY px10.region160.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region161.fabrikam.example"))
		return "PROXY px11.region161.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region162.fabrikam.example"))
		return "PROXY px12.region162.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region163.fabrikam.example"))
		return "PROXY px13.region163.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region164.fabrikam.example"))
		return "PROXY px14.region164.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region165.fabrikam.example"))
		return "PROXY px15.region165.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region166.fabrikam.example"))
		return "PROXY px16.region166.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region167.fabrikam.example"))
		return "PROXY px17.region167.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region168.fabrikam.example"))
		return "PROXY px18.region168.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region169.fabrikam.example"))
		return "PROXY px19.region169.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region170.fabrikam.example"))
		return "PROXY px20.region170.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region171.fabrikam.example"))
		return "PROXY px21.region171.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region172.fabrikam.example"))
		return "PROXY px22.region172.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region173.fabrikam.example"))
		return "PROXY px23.region173.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region174.fabrikam.example"))
		return "PROXY px24.region174.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region175.fabrikam.example"))
		return "PROXY px25.region175.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region176.fabrikam.example"))
		return "PROXY px26.region176.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region177.fabrikam.example"))
		return "PROXY px27.region177.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region178.fabrikam.example"))
		return "PROXY px28.region178.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region179.fabrikam.example"))
		return "PROXY px29.region179.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region180.fabrikam.example"))
		return "PROXY px30.region180.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region181.fabrikam.example"))
		return "PROXY px31.region181.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region182.fabrikam.example"))
		return "PROXY px32.region182.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region183.fabrikam.example"))
		return "PROXY px33.region183.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region184.fabrikam.example"))
		return "PROXY px34.region184.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region185.fabrikam.example"))
		return "PROXY px35.region185.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region186.fabrikam.example"))
		return "PROXY px36.region186.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region187.fabrikam.example"))
		return "PROXY px37.region187.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region188.fabrikam.example"))
		return "PROXY px38.region188.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region189.fabrikam.example"))
		return "PROXY px39.region189.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region190.fabrikam.example"))
		return "PROXY px40.region190.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region191.fabrikam.example"))
		return "PROXY px41.region191.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region192.fabrikam.example"))
		return "PROXY px42.region192.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region193.fabrikam.example"))
		return "PROXY px43.region193.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region194.fabrikam.example"))
		return "PROXY px44.region194.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region195.fabrikam.example"))
		return "PROXY px45.region195.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region196.fabrikam.example"))
		return "PROXY px46.region196.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region197.fabrikam.example"))
		return "PROXY px47.region197.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region198.fabrikam.example"))
		return "PROXY px48.region198.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region199.fabrikam.example"))
		return "PROXY px49.region199.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region200.fabrikam.example"))
		return "PROXY px00.region200.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region201.fabrikam.example"))
		return "PROXY px01.region201.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region202.fabrikam.example"))
		return "PROXY px02.region202.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region203.fabrikam.example"))
		return "PROXY px03.region203.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region204.fabrikam.example"))
		return "PROXY px04.region204.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region205.fabrikam.example"))
		return "PROXY px05.region205.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region206.fabrikam.example"))
		return "PROXY px06.region206.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region207.fabrikam.example"))
		return "PROXY px07.region207.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region208.fabrikam.example"))
		return "PROXY px08.region208.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region209.fabrikam.example"))
		return "PROXY px09.region209.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region210.fabrikam.example"))
		return "PROXY px10.region210.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region211.fabrikam.example"))
		return "PROXY px11.region211.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region212.fabrikam.example"))
		return "PROXY px12.region212.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region213.fabrikam.example"))
		return "PROXY px13.region213.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region214.fabrikam.example"))
		return "PROXY px14.region214.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region215.fabrikam.example"))
		return "PROXY px15.region215.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region216.fabrikam.example"))
		return "PROXY px16.region216.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region217.fabrikam.example"))
		return "PROXY px17.region217.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region218.fabrikam.example"))
		return "PROXY px18.region218.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region219.fabrikam.example"))
		return "PROXY px19.region219.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region220.fabrikam.example"))
		return "PROXY px20.region220.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region221.fabrikam.example"))
		return "PROXY px21.region221.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region222.fabrikam.example"))
		return "PROXY px22.region222.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region223.fabrikam.example"))
		return "PROXY px23.region223.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region224.fabrikam.example"))
		return "PROXY px24.region224.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region225.fabrikam.example"))
		return "PROXY px25.region225.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region226.fabrikam.example"))
		return "PROXY px26.region226.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region227.fabrikam.example"))
		return "PROXY px27.region227.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region228.fabrikam.example"))
		return "PROXY px28.region228.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region229.fabrikam.example"))
		return "PROXY px29.region229.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region230.fabrikam.example"))
		return "PROXY px30.region230.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region231.fabrikam.example"))
		return "PROXY px31.region231.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region232.fabrikam.example"))
		return "PROXY px32.region232.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region233.fabrikam.example"))
		return "PROXY px33.region233.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region234.fabrikam.example"))
		return "PROXY px34.region234.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region235.fabrikam.example"))
		return "PROXY px35.region235.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region236.fabrikam.example"))
		return "PROXY px36.region236.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region237.fabrikam.example"))
		return "PROXY px37.region237.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region238.fabrikam.example"))
		return "PROXY px38.region238.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region239.fabrikam.example"))
		return "PROXY px39.region239.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region240.fabrikam.example"))
		return "PROXY px40.region240.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region241.fabrikam.example"))
		return "PROXY px41.region241.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region242.fabrikam.example"))
		return "PROXY px42.region242.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region243.fabrikam.example"))
		return "PROXY px43.region243.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region244.fabrikam.example"))
		return "PROXY px44.region244.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region245.fabrikam.example"))
		return "PROXY px45.region245.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region246.fabrikam.example"))
		return "PROXY px46.region246.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region247.fabrikam.example"))
		return "PROXY px47.region247.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region248.fabrikam.example"))
		return "PROXY px48.region248.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region249.fabrikam.example"))
		return "PROXY px49.region249.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region250.fabrikam.example"))
		return "PROXY px00.region250.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region251.fabrikam.example"))
		return "PROXY px01.region251.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region252.fabrikam.example"))
		return "PROXY px02.region252.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region253.fabrikam.example"))
		return "PROXY px03.region253.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region254.fabrikam.example"))
		return "PROXY px04.region254.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region255.fabrikam.example"))
		return "PROXY px05.region255.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region256.fabrikam.example"))
		return "PROXY px06.region256.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region257.fabrikam.example"))
		return "PROXY px07.region257.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region258.fabrikam.example"))
		return "PROXY px08.region258.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region259.fabrikam.example"))
		return "PROXY px09.region259.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region260.fabrikam.example"))
		return "PROXY px10.region260.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region261.fabrikam.example"))
		return "PROXY px11.region261.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region262.fabrikam.example"))
		return "PROXY px12.region262.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region263.fabrikam.example"))
		return "PROXY px13.region263.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region264.fabrikam.example"))
		return "PROXY px14.region264.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region265.fabrikam.example"))
		return "PROXY px15.region265.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region266.fabrikam.example"))
		return "PROXY px16.region266.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region267.fabrikam.example"))
		return "PROXY px17.region267.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region268.fabrikam.example"))
		return "PROXY px18.region268.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region269.fabrikam.example"))
		return "PROXY px19.region269.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region270.fabrikam.example"))
		return "PROXY px20.region270.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region271.fabrikam.example"))
		return "PROXY px21.region271.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region272.fabrikam.example"))
		return "PROXY px22.region272.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region273.fabrikam.example"))
		return "PROXY px23.region273.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region274.fabrikam.example"))
		return "PROXY px24.region274.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region275.fabrikam.example"))
		return "PROXY px25.region275.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region276.fabrikam.example"))
		return "PROXY px26.region276.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region277.fabrikam.example"))
		return "PROXY px27.region277.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region278.fabrikam.example"))
		return "PROXY px28.region278.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region279.fabrikam.example"))
		return "PROXY px29.region279.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region280.fabrikam.example"))
		return "PROXY px30.region280.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region281.fabrikam.example"))
		return "PROXY px31.region281.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region282.fabrikam.example"))
		return "PROXY px32.region282.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region283.fabrikam.example"))
		return "PROXY px33.region283.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region284.fabrikam.example"))
		return "PROXY px34.region284.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region285.fabrikam.example"))
		return "PROXY px35.region285.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region286.fabrikam.example"))
		return "PROXY px36.region286.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region287.fabrikam.example"))
		return "PROXY px37.region287.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region288.fabrikam.example"))
		return "PROXY px38.region288.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region289.fabrikam.example"))
		return "PROXY px39.region289.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region290.fabrikam.example"))
		return "PROXY px40.region290.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region291.fabrikam.example"))
		return "PROXY px41.region291.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region292.fabrikam.example"))
		return "PROXY px42.region292.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region293.fabrikam.example"))
		return "PROXY px43.region293.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region294.fabrikam.example"))
		return "PROXY px44.region294.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region295.fabrikam.example"))
		return "PROXY px45.region295.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region296.fabrikam.example"))
		return "PROXY px46.region296.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region297.fabrikam.example"))
		return "PROXY px47.region297.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region298.fabrikam.example"))
		return "PROXY px48.region298.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region299.fabrikam.example"))
		return "PROXY px49.region299.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region300.fabrikam.example"))
		return "PROXY px00.region300.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region301.fabrikam.example"))
		return "PROXY px01.region301.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region302.fabrikam.example"))
		return "PROXY px02.region302.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region303.fabrikam.example"))
		return "PROXY px03.region303.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region304.fabrikam.example"))
		return "PROXY px04.region304.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region305.fabrikam.example"))
		return "PROXY px05.region305.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region306.fabrikam.example"))
		return "PROXY px06.region306.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region307.fabrikam.example"))
		return "PROXY px07.region307.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region308.fabrikam.example"))
		return "PROXY px08.region308.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region309.fabrikam.example"))
		return "PROXY px09.region309.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region310.fabrikam.example"))
		return "PROXY px10.region310.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region311.fabrikam.example"))
		return "PROXY px11.region311.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region312.fabrikam.example"))
		return "PROXY px12.region312.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region313.fabrikam.example"))
		return "PROXY px13.region313.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region314.fabrikam.example"))
		return "PROXY px14.region314.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region315.fabrikam.example"))
		return "PROXY px15.region315.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region316.fabrikam.example"))
		return "PROXY px16.region316.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region317.fabrikam.example"))
		return "PROXY px17.region317.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region318.fabrikam.example"))
		return "PROXY px18.region318.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region319.fabrikam.example"))
		return "PROXY px19.region319.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region320.fabrikam.example"))
		return "PROXY px20.region320.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region321.fabrikam.example"))
		return "PROXY px21.region321.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region322.fabrikam.example"))
		return "PROXY px22.region322.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region323.fabrikam.example"))
		return "PROXY px23.region323.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region324.fabrikam.example"))
		return "PROXY px24.region324.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region325.fabrikam.example"))
		return "PROXY px25.region325.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region326.fabrikam.example"))
		return "PROXY px26.region326.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region327.fabrikam.example"))
		return "PROXY px27.region327.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region328.fabrikam.example"))
		return "PROXY px28.region328.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region329.fabrikam.example"))
		return "PROXY px29.region329.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region330.fabrikam.example"))
		return "PROXY px30.region330.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region331.fabrikam.example"))
		return "PROXY px31.region331.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region332.fabrikam.example"))
		return "PROXY px32.region332.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region333.fabrikam.example"))
		return "PROXY px33.region333.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region334.fabrikam.example"))
		return "PROXY px34.region334.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region335.fabrikam.example"))
		return "PROXY px35.region335.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region336.fabrikam.example"))
		return "PROXY px36.region336.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region337.fabrikam.example"))
		return "PROXY px37.region337.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region338.fabrikam.example"))
		return "PROXY px38.region338.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region339.fabrikam.example"))
		return "PROXY px39.region339.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region340.fabrikam.example"))
		return "PROXY px40.region340.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region341.fabrikam.example"))
		return "PROXY px41.region341.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region342.fabrikam.example"))
		return "PROXY px42.region342.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region343.fabrikam.example"))
		return "PROXY px43.region343.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region344.fabrikam.example"))
		return "PROXY px44.region344.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region345.fabrikam.example"))
		return "PROXY px45.region345.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region346.fabrikam.example"))
		return "PROXY px46.region346.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region347.fabrikam.example"))
		return "PROXY px47.region347.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region348.fabrikam.example"))
		return "PROXY px48.region348.fabrikam.example:3128; " + DEFAULT_PROXY;
	if (dnsDomainIs(host, ".region349.fabrikam.example"))
		return "PROXY px49.region349.fabrikam.example:3128; " + DEFAULT_PROXY;
	return null;
}

function FindProxyForURL(url, host) {
	if (isPlainHostName(host) || directHosts.hasOwnProperty(host)) {
		return "DIRECT";
	}
	if (shExpMatch(host, "*.*.*.*") && /^[0-9.]+$/.test(host)) {
		for (var i = 0; i < directNets.length; i++) {
			if (isInNet(host, directNets[i][0], directNets[i][1])) {
				return "DIRECT";
			}
		}
		return DEFAULT_PROXY;
	}
	var regional = regionalProxy(host);
	if (regional) {
		return regional;
	}
	for (var j = 0; j < vendorRules.length; j++) {
		if (shExpMatch(host, vendorRules[j][0])) {
			return vendorRules[j][1];
		}
	}
	return DEFAULT_PROXY;
}
