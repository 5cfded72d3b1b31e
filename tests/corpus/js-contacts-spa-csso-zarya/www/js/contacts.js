document.addEventListener('DOMContentLoaded', function () {
  var box = document.getElementById('contacts'); if (box) {
    var u = 'zarya', d = 'cso-zarya.ru';
    box.innerHTML = '<p>Телефон: <a href="tel:+78454533030">8 (84545) 3-30-30</a></p>' +
      '<p>E-mail: <a href="mailto:' + u + '@' + d + '">' + u + '@' + d + '</a></p>' +
      '<p>Адрес: 413320, Энская область, г. Краснолесье, ул. Зари, д. 12</p>';
  }
  var f = document.getElementById('appeal'); if (f) {
    f.innerHTML = '<form action="/api/appeal" method="post"><label>ФИО <input name="fio"></label>' +
      '<label>E-mail <input name="email" type="email"></label><label>Обращение <textarea name="text"></textarea></label>' +
      '<button type="submit">Отправить</button></form>';
  }
});
