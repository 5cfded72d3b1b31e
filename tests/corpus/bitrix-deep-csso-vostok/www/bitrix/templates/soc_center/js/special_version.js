/* corpus stand-in for the template's low-vision switch: specialVersion.toggle() enlarges the text and turns the page black on white */
window.specialVersion={toggle:function(){var h=document.documentElement,on=h.classList.toggle('special-version');h.style.fontSize=on?'150%':'';document.body.style.background=on?'#fff':'';document.body.style.color=on?'#000':'';}};
