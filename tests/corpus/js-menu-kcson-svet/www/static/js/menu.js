var MENU = [{"t": "Основные сведения", "u": "/razdel/svedeniya/"}, {"t": "Услуги", "u": "/razdel/uslugi/"}, {"t": "Документы", "u": "/razdel/dokumenty/"}, {"t": "Обращения", "u": "/razdel/obrashcheniya/"}];
document.addEventListener('DOMContentLoaded', function () {
  var nav = document.querySelector('.gw-menu__list');
  MENU.forEach(function (m) {
    var li = document.createElement('li'); li.className = 'gw-menu__item';
    var a = document.createElement('a'); a.href = m.u; a.textContent = m.t; li.appendChild(a); nav.appendChild(li);
  });
  var slot = document.getElementById('a11y-slot');
  var b = document.createElement('a'); b.href = '?special=1'; b.textContent = 'Версия для слабовидящих'; slot.appendChild(b);
});
