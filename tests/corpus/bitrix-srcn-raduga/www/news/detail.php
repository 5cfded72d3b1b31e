<!DOCTYPE html>
<html xml:lang="ru" lang="ru">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>Летняя смена в лагере «Берёзка»</title>
<link href="/bitrix/js/main/core/css/core.min.css?16788" type="text/css" rel="stylesheet">
<link href="/bitrix/templates/soc_center/template_styles.css?17120" type="text/css" rel="stylesheet">
<script src="/bitrix/js/main/core/core.min.js?16788"></script>
<script>BX.setJSList(['/bitrix/js/main/core/core_ajax.js','/bitrix/templates/soc_center/script.js']);</script>

</head>
<body>
<div id="panel"></div>
<div class="wrapper">
<div class="header">
<div class="header-top">
<div class="logo"><a href="/"><img src="/bitrix/templates/soc_center/images/logo.png" alt="Логотип"></a>
<span class="logo-text">Государственное казённое учреждение социального обслуживания Приречного края «Социально-реабилитационный центр для несовершеннолетних «Радуга»</span></div>
<div class="header-contacts">Телефон: +7 (39155) 3-40-21</div>
<a class="special-link" href="?special_version=Y" title="Версия для слабовидящих"><i class="icon-eye"></i> Для слабовидящих</a>
</div>
<div class="bx-top-menu">
<ul id="horizontal-multilevel-menu">
<li class="root-item"><a href="/about/">О центре</a></li>
<li class="root-item"><a href="/about/structure/">Структура</a></li>
<li class="root-item"><a href="/about/documents/">Документы</a></li>
<li class="root-item"><a href="/services/">Услуги</a></li>
<li class="root-item"><a href="/about/nok/">Независимая оценка качества</a></li>
<li class="root-item"><a href="/reception/">Интернет-приёмная</a></li>
<li class="root-item"><a href="/news/">Новости</a></li>
<li class="root-item"><a href="/contacts/">Контакты</a></li>
</ul>
</div>
</div>
<div class="content">
<div class="bx-breadcrumb"><a href="/">Главная</a> / <span>Летняя смена в лагере «Берёзка»</span></div>
<h1>Летняя смена в лагере «Берёзка»</h1>
<div class="news-detail">
<p>%%DATE-9%%. Воспитанники центра провели три недели в загородном лагере.</p>
</div>
</div>
<div class="footer">
<div class="footer-menu"><a href="https://t.me/srcn_raduga">Наш канал в Telegram</a></div>
<div class="copy">&copy; 2025 ГКУ СО «СРЦН «Радуга». 662150, Приречный край, г. Верхнеозёрск, ул. Школьная, д. 14а</div>
</div>
</div>
</body>
</html>
